/** One colour per step on the scrubber and in the step list (white text reads on each). */
const STEP_COLORS = ['#4f46e5', '#0369a1', '#0f766e', '#b45309', '#be123c', '#7e22ce', '#475569']

export function stepColor(index: number): string {
  return STEP_COLORS[((index % STEP_COLORS.length) + STEP_COLORS.length) % STEP_COLORS.length]!
}

const KEY = 'stepwise:alert-sound'

/** Whether this browser plays the step alerts' sound (on unless muted here once). */
export function alertSoundOn(): boolean {
  try {
    return localStorage.getItem(KEY) !== 'off'
  } catch {
    return true
  }
}

export function setAlertSound(on: boolean): void {
  try {
    localStorage.setItem(KEY, on ? 'on' : 'off')
  } catch {
    // Not remembered: the next page load plays it again.
  }
}

let context: AudioContext | null = null

/**
 * Two short soft tones. Only once the person has used the page (the browser refuses sound
 * before, with a console warning); returns whether it played.
 */
export function playAlertSound(): boolean {
  const activation = (navigator as Navigator & { userActivation?: { hasBeenActive: boolean } }).userActivation
  if (!activation?.hasBeenActive || typeof AudioContext === 'undefined') return false
  context ??= new AudioContext()
  const ctx = context
  const start = ctx.currentTime
  for (const [offset, frequency] of [
    [0, 880],
    [0.18, 660],
  ] as const) {
    const osc = ctx.createOscillator()
    const gain = ctx.createGain()
    osc.frequency.value = frequency
    gain.gain.setValueAtTime(0.0001, start + offset)
    gain.gain.exponentialRampToValueAtTime(0.15, start + offset + 0.02)
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.16)
    osc.connect(gain).connect(ctx.destination)
    osc.start(start + offset)
    osc.stop(start + offset + 0.17)
  }
  return true
}

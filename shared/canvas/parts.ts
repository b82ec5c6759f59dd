/** The palette: the parts of a production ML system a candidate draws (DOMAIN.md, "bird's-eye view"). */
export const PART_KINDS = [
  'client',
  'gateway',
  'service',
  'model-server',
  'feature-store',
  'database',
  'data-lake',
  'cache',
  'stream',
  'batch-job',
  'training',
  'registry',
  'monitoring',
  'note',
] as const
export type PartKind = (typeof PART_KINDS)[number]

export type PartGroup = 'serving' | 'data' | 'training' | 'ops' | 'note'

export interface Part {
  kind: PartKind
  /** Palette and default node label. */
  name: string
  group: PartGroup
  /** A 24×24 stroke icon (SVG path data). */
  icon: string
  w: number
  h: number
}

const box = { w: 168, h: 60 }

export const PARTS: Record<PartKind, Part> = {
  client: { kind: 'client', name: 'Client', group: 'serving', icon: 'M3 4h18v12H3z M8 20h8 M12 16v4', ...box },
  gateway: { kind: 'gateway', name: 'API gateway', group: 'serving', icon: 'M3 12h11 M10 8l4 4-4 4 M18 4v16', ...box },
  service: {
    kind: 'service',
    name: 'Service',
    group: 'serving',
    icon: 'M12 3l8 4.5v9L12 21l-8-4.5v-9z M12 12l8-4.5 M12 12v9 M12 12L4 7.5',
    ...box,
  },
  'model-server': {
    kind: 'model-server',
    name: 'Model server',
    group: 'serving',
    icon: 'M7 7h10v10H7z M10 3v4 M14 3v4 M10 17v4 M14 17v4 M3 10h4 M3 14h4 M17 10h4 M17 14h4',
    ...box,
  },
  'feature-store': { kind: 'feature-store', name: 'Feature store', group: 'data', icon: 'M12 3l9 5-9 5-9-5z M3 13l9 5 9-5', ...box },
  database: {
    kind: 'database',
    name: 'Database',
    group: 'data',
    icon: 'M4 6c0-1.7 3.6-3 8-3s8 1.3 8 3-3.6 3-8 3-8-1.3-8-3z M4 6v12c0 1.7 3.6 3 8 3s8-1.3 8-3V6 M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3',
    ...box,
  },
  'data-lake': {
    kind: 'data-lake',
    name: 'Data lake',
    group: 'data',
    icon: 'M3 8c2-2 4-2 6 0s4 2 6 0 4-2 6 0 M3 13c2-2 4-2 6 0s4 2 6 0 4-2 6 0 M3 18c2-2 4-2 6 0s4 2 6 0 4-2 6 0',
    ...box,
  },
  cache: { kind: 'cache', name: 'Cache', group: 'serving', icon: 'M13 2L4 14h7l-1 8 9-12h-7z', ...box },
  stream: { kind: 'stream', name: 'Stream / queue', group: 'data', icon: 'M4 6h12 M4 12h16 M4 18h12 M17 9l3 3-3 3', ...box },
  'batch-job': { kind: 'batch-job', name: 'Batch job', group: 'training', icon: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z M12 7v5l3 3', ...box },
  training: {
    kind: 'training',
    name: 'Training pipeline',
    group: 'training',
    icon: 'M20 11a8 8 0 0 0-14.9-3 M4 4v4h4 M4 13a8 8 0 0 0 14.9 3 M20 20v-4h-4',
    ...box,
  },
  registry: { kind: 'registry', name: 'Model registry', group: 'training', icon: 'M3 4h18v4H3z M5 8v12h14V8 M10 12h4', ...box },
  monitoring: { kind: 'monitoring', name: 'Monitoring', group: 'ops', icon: 'M3 12h4l3-8 4 16 3-8h4', ...box },
  note: { kind: 'note', name: 'Free note', group: 'note', icon: 'M5 3h14v12l-6 6H5z M13 21v-6h6', w: 180, h: 100 },
}

/** Icon colour and tile tint per group (all pass 4.5:1 contrast on their tint for text-sized icons). */
export const GROUP_COLORS: Record<PartGroup, { fg: string; bg: string }> = {
  serving: { fg: '#1d4ed8', bg: '#dbeafe' },
  data: { fg: '#0f766e', bg: '#ccfbf1' },
  training: { fg: '#6d28d9', bg: '#ede9fe' },
  ops: { fg: '#b45309', bg: '#fef3c7' },
  note: { fg: '#854d0e', bg: '#fef9c3' },
}

export function isPartKind(value: unknown): value is PartKind {
  return typeof value === 'string' && (PART_KINDS as readonly string[]).includes(value)
}

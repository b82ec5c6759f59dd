const KEY = 'stepwise:name'

/** The name a person typed once; remembered on this device for every room. */
export function savedName(): string {
  try {
    return localStorage.getItem(KEY) ?? ''
  } catch {
    return ''
  }
}

export function saveName(name: string): void {
  try {
    localStorage.setItem(KEY, name)
  } catch {
    // Not remembering the name only means being asked again.
  }
}

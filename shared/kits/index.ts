import { Kit } from './kit.js'
import { mlSystemDesignKit } from './ml-system-design.js'

/**
 * Every version of a built-in kit ever shipped, validated at module load so a bad edit fails fast.
 * Rooms reference a kit by id and version (they no longer copy it), so a shipped version is never
 * edited or removed: a change to a built-in kit is a new entry with the next version, and rooms
 * made with the old one keep it. kits.test.ts holds a fingerprint of each to catch an edit.
 */
const published: readonly Kit[] = Object.freeze([mlSystemDesignKit].map((kit) => Kit.parse(kit)))

/** Kits shipped with Stepwise, each at its latest version: what new rooms get. */
export const builtInKits: readonly Kit[] = Object.freeze(
  published.filter((kit) => !published.some((other) => other.id === kit.id && other.version > kit.version)),
)

/** Every shipped version of every built-in kit, oldest first. */
export const builtInKitVersions: readonly Kit[] = published

/** A built-in kit at `version`, or at its latest when `version` is omitted. */
export function findBuiltInKit(id: string, version?: number): Kit | undefined {
  if (version === undefined) return builtInKits.find((kit) => kit.id === id)
  return published.find((kit) => kit.id === id && kit.version === version)
}

/** Whether `id` names a built-in kit (at any version): custom kits never take such an id. */
export function isBuiltInKitId(id: string): boolean {
  return published.some((kit) => kit.id === id)
}

export { mlSystemDesignKit }

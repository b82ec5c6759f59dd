import { Kit } from './kit.js'
import { mlSystemDesignKit } from './ml-system-design.js'

/** Kits shipped with Stepwise; validated at module load so a bad edit fails fast. */
export const builtInKits: readonly Kit[] = Object.freeze([mlSystemDesignKit].map((kit) => Kit.parse(kit)))

export function findBuiltInKit(id: string): Kit | undefined {
  return builtInKits.find((kit) => kit.id === id)
}

export { mlSystemDesignKit }

import { customType } from 'drizzle-orm/pg-core'

/** Raw bytes. postgres.js hands back a Buffer and PGlite a Uint8Array: both are Uint8Arrays. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (value) => value,
  fromDriver: (value) => value,
})

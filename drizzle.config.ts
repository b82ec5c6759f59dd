import { defineConfig } from 'drizzle-kit'

// Only `generate` is used: migrations are applied by the server at start, for both drivers.
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/db/schema.ts',
  out: './migrations',
})

// A worker thread starts without the TypeScript loader the server runs under (tsx, or vitest in
// tests): load the embedded database's thread through tsx.
import { tsImport } from 'tsx/esm/api'

await tsImport('./pglite-host.ts', import.meta.url)

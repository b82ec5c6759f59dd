import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        // The svelte plugin compiles the client's `*.svelte.ts` state modules (runes) for their tests.
        plugins: [svelte({ configFile: false })],
        // A few server unit tests boot PGlite (seconds on two busy cores): a 5 s default is too tight.
        test: { name: 'unit', include: ['shared/**/*.test.ts', 'server/**/*.test.ts', 'client/**/*.test.ts'], testTimeout: 20_000, hookTimeout: 30_000 },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // One browser at a time: the scenarios share nothing but are heavy.
          fileParallelism: false,
          // After the other projects, not beside them: Chromium and a full suite on two cores at
          // once starve each other into timeouts.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})

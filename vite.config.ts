import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vite'

// The server (npm run dev) listens on 3000; the Vite dev server proxies every live surface to it.
const SERVER = 'http://127.0.0.1:3000'

export default defineConfig({
  root: 'client',
  plugins: [svelte({ configFile: false })],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: {
      output: {
        // The room's libraries in three cacheable chunks, fetched in parallel; the landing page needs none.
        codeSplitting: {
          groups: [
            // Svelte's runtime first, so no library group drags it (and itself) into the landing page.
            { name: 'svelte', test: /node_modules[\\/](svelte|clsx|esm-env)[\\/]/, priority: 10 },
            { name: 'editor', test: /node_modules[\\/](@codemirror|@lezer|codemirror|y-codemirror\.next|style-mod|w3c-keyname|crelt)[\\/]/ },
            { name: 'canvas', test: /node_modules[\\/](@xyflow|d3-[a-z-]+|@svelte-put|classcat)[\\/]/ },
            { name: 'sync', test: /node_modules[\\/](yjs|y-websocket|y-protocols|lib0|socket\.io-client|socket\.io-parser|engine\.io-client|engine\.io-parser|@socket\.io|zod|debug|ms)[\\/]/, priority: 5 },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': SERVER,
      '/yjs': { target: SERVER, ws: true },
      '/socket.io': { target: SERVER, ws: true },
    },
  },
})

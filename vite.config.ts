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
  },
  server: {
    proxy: {
      '/api': SERVER,
      '/yjs': { target: SERVER, ws: true },
      '/socket.io': { target: SERVER, ws: true },
    },
  },
})

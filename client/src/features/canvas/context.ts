import { createContext } from 'svelte'
import type { CanvasState } from './canvas.svelte.js'
import type { BoardPeers } from './peers.svelte.js'

/** The canvas of the board being shown, for its node and edge components. */
export const [getCanvas, setCanvas] = createContext<{ canvas: CanvasState; peers: BoardPeers }>()

/** Messages between the orchestrator (bench/run.ts) and the load generator child (bench/load/generator.ts). */
import type { RoomTarget } from '../servers.js'

export type Command =
  /** Opens `clientsPerRoom` thin clients in each room and one probe per probe room; waits for sync. */
  | { cmd: 'connect'; rooms: RoomTarget[]; clientsPerRoom: number; probes: { writer: RoomTarget; observer: RoomTarget }[] }
  /** Starts sending (every connected client not yet sending joins the schedule; probes start writing). */
  | { cmd: 'start'; rateHz: number }
  /** Starts a measured window: counters, delays and loop-delay histogram reset. */
  | { cmd: 'mark' }
  /** Ends the window and returns its figures. */
  | { cmd: 'report' }
  /** Stops sending and closes every socket. */
  | { cmd: 'close' }
  /** socket.io: idle clients in many rooms plus timer probe rooms; runs the commands and returns the delays. */
  | {
      cmd: 'socketio'
      url: string
      idleTokens: string[]
      probeRooms: { interviewer: string; candidate: string; observer: string }[]
      commandsPerRoom: number
      gapMs: number
    }

export interface WindowReport {
  windowMs: number
  clients: number
  /** Thin clients whose socket is still open at the end of the window. */
  openClients: number
  /** Updates sent by thin clients, and the count the schedule asked for (clients × rate × window). */
  sent: number
  target: number
  /** Scheduled sends skipped because the generator fell more than one period behind. */
  missed: number
  notOpen: number
  probeWrites: number
  /** Update messages (sync type 2) received by the thin clients. */
  updatesReceived: number
  awarenessReceived: number
  otherReceived: number
  maxBufferedAmount: number
  /** Probe delays in ms (every sample of the window). */
  probeDelays: number[]
  /** Probe samples over 20 ms: [epoch ms written, delay ms]. */
  slowProbes: [number, number][]
  probesConnected: number
  probes: number
  /** The generator's own health: event-loop delay and CPU use over the window. */
  loopDelayP99Ms: number
  loopDelayMaxMs: number
  cpuPercent: number
  /** The generator's GC pauses in the window. */
  gcMaxMs: number
  gcTotalMs: number
}

export interface ConnectReport {
  ms: number
  clients: number
  probes: number
  failures: string[]
}

export interface SocketIoReport {
  connectMs: number
  idleConnected: number
  idleFailures: string[]
  arrivals: number[]
  acks: number[]
  failed: string[]
  cpuPercent: number
}

export type Reply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string }

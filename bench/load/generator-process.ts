/** The orchestrator's handle on the load generator child: spawned pinned to core 1, driven over IPC. */
import { type ChildProcess, spawn } from 'node:child_process'
import type { Command, ConnectReport, Reply, SocketIoReport, WindowReport } from './ipc.js'

const ROOT = new URL('../..', import.meta.url).pathname
export const GENERATOR_CORE = '1'

type ResultOf<C extends Command['cmd']> = C extends 'connect'
  ? ConnectReport
  : C extends 'report'
    ? WindowReport
    : C extends 'socketio'
      ? SocketIoReport
      : null

export class GeneratorProcess {
  #child: ChildProcess
  #next = 0
  #pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>()
  #exited = false

  private constructor(child: ChildProcess) {
    this.#child = child
    child.on('message', (msg: Reply) => {
      const p = this.#pending.get(msg.id)
      if (!p) return
      this.#pending.delete(msg.id)
      clearTimeout(p.timer)
      if (msg.ok) p.resolve(msg.result)
      else p.reject(new Error(`generator: ${msg.error}`))
    })
    child.on('exit', (code, signal) => {
      this.#exited = true
      for (const p of this.#pending.values()) {
        clearTimeout(p.timer)
        p.reject(new Error(`generator exited (code ${code}, signal ${signal})`))
      }
      this.#pending.clear()
    })
  }

  static async start(): Promise<GeneratorProcess> {
    const child = spawn('taskset', ['-c', GENERATOR_CORE, process.execPath, `--max-semi-space-size=${process.env.BENCH_GENERATOR_SEMI_SPACE_MB ?? 64}`, ...(process.env.BENCH_GENERATOR_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_GENERATOR_PROF] : []), '--import', 'tsx', 'bench/load/generator.ts'], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('generator did not start within 30 s')), 30_000)
      child.once('message', () => {
        clearTimeout(timer)
        resolve()
      })
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`generator exited with ${code} before it was ready`))
      })
    })
    return new GeneratorProcess(child)
  }

  /** The generator's own node process (`taskset` execs it). */
  get pid(): number {
    return this.#child.pid!
  }

  get alive(): boolean {
    return !this.#exited
  }

  request<C extends Command>(command: C, timeoutMs = 120_000): Promise<ResultOf<C['cmd']>> {
    if (this.#exited) return Promise.reject(new Error('generator is not running'))
    const id = ++this.#next
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id)
        reject(new Error(`generator: no answer to ${command.cmd} within ${timeoutMs / 1000} s`))
      }, timeoutMs)
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer })
      this.#child.send({ id, command })
    })
  }

  async stop(): Promise<void> {
    if (this.#exited) return
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()))
    this.#child.disconnect()
    const killer = setTimeout(() => this.#child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(killer)
  }
}

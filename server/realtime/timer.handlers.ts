import { AppError } from '../../shared/errors.js'
import type { Ack } from '../../shared/protocol/events.js'
import { can, roleInRound } from '../../shared/rooms/roles.js'
import { TimerCommand, type TimerState, reduceTimer } from '../../shared/timer/timer.js'
import { dbCause, retryOnConnectionError } from '../db/db-errors.js'
import { getRoom, saveTimer } from '../db/rooms.repo.js'
import type { Deps } from '../deps.js'
import type { RoomServer, RoomSocket } from './socket.js'

/**
 * Commands whose effect depends on the timer they meet: applied to a newer timer than the one
 * they were decided on, two presses of next move two steps. They always run against a version.
 */
const RELATIVE: ReadonlySet<TimerCommand['type']> = new Set(['next', 'prev', 'extend'])

/** An absolute command (start, pause, goto, end, …) without an expectedVersion is retried on a lost race: the same intent applies to the newer timer. */
const MAX_ATTEMPTS = 5

export function registerTimerHandlers(io: RoomServer, socket: RoomSocket, deps: Deps): void {
  /**
   * The newest timer version this socket has been sent (room:state, a `timer` broadcast, from this
   * node or relayed from another): the timer its person was looking at when they pressed.
   */
  let sentVersion: number | null = null
  socket.onAnyOutgoing((event: string, payload?: { timer?: { version?: unknown } }) => {
    if (event !== 'timer' && event !== 'room:state') return
    const version = payload?.timer?.version
    if (typeof version === 'number' && (sentVersion === null || version > sentVersion)) sentVersion = version
  })

  /** One try of a command: load, decide, compare-and-set. Returns the saved timer. */
  const run = async (raw: unknown, seen: number | null): Promise<TimerState> => {
    const current = await getRoom(deps.db, socket.data.roomId)
    if (!current) throw new AppError('not_found', 'no such room')
    // The role in the current round: after a peer swap the other person holds the clock.
    if (!can.controlTimer(roleInRound(socket.data.linkRole, current.round, current.mode))) {
      throw new AppError('forbidden', 'only the interviewer controls the timer')
    }
    const parsed = TimerCommand.safeParse(raw)
    if (!parsed.success) throw new AppError('invalid', parsed.error.issues[0]?.message ?? 'invalid timer command')
    const cmd = parsed.data
    // A relative command without a version means "from the timer I was sent": two interviewers
    // pressing next at once, having seen the same step, move it once; the second gets conflict.
    let expected = cmd.expectedVersion
    if (expected === undefined && RELATIVE.has(cmd.type)) {
      if (seen === null) throw new AppError('conflict', 'the timer has not reached this socket yet; wait for room:state and try again')
      expected = seen
    }
    const { roomId } = socket.data
    for (let attempt = 1; ; attempt++) {
      const room = attempt === 1 ? current : await getRoom(deps.db, roomId)
      if (!room) throw new AppError('not_found', 'no such room')
      if (room.round !== current.round) throw new AppError('conflict', 'a new round has started')
      if (expected !== undefined && expected !== room.timer.version) {
        throw new AppError('conflict', `the timer changed (version ${room.timer.version}); reload and try again`)
      }
      const now = deps.clock()
      const next: TimerState = reduceTimer(room.timer, cmd, now)
      const saved = await saveTimer(deps.db, roomId, room.timer.version, next, {
        round: room.round,
        at: new Date(now),
        participantId: socket.data.participant.id,
        payload: { command: cmd, from: room.timer.version, to: next.version, stepIndex: next.stepIndex, status: next.status },
      })
      if (saved) return next
      if (expected !== undefined || attempt >= MAX_ATTEMPTS) {
        throw new AppError('conflict', 'another command changed the timer first')
      }
    }
  }

  socket.on('timer:command', async (raw, ack) => {
    // Taken on receipt, before any wait: later broadcasts are news the person had not seen.
    const seen = sentVersion
    const reply = typeof ack === 'function' ? ack : () => {}
    try {
      // A pooled connection the database dropped fails the query that finds it: try again.
      // Safe to repeat: the save is a compare-and-set, so if the first try did commit, a versioned
      // or relative command meets a newer version (conflict), never moving the timer twice.
      const next = await retryOnConnectionError(
        () => run(raw, seen),
        (err, retry) => deps.log.warn('timer command: database connection lost; trying again', { ...dbCause(err), retry }),
      )
      io.to(socket.data.roomId).emit('timer', { timer: next, serverNow: deps.clock() })
      reply({ ok: true, timer: next } satisfies Ack<{ timer: TimerState }>)
    } catch (err) {
      if (err instanceof AppError) reply({ ok: false, error: { code: err.code, message: err.message } })
      else {
        // The database's cause, not drizzle's message (which holds the statement and its parameters).
        deps.log.error('timer command failed', { cause: dbCause(err), where: err instanceof Error ? err.stack?.split('\n').filter((l) => l.startsWith('    at ')).slice(0, 5).join(' | ') : undefined })
        reply({ ok: false, error: { code: 'internal', message: 'internal error' } })
      }
    }
  })
}

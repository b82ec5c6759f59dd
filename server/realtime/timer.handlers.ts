import { AppError } from '../../shared/errors.js'
import type { Ack } from '../../shared/protocol/events.js'
import { can, roleInRound } from '../../shared/rooms/roles.js'
import { TimerCommand, type TimerState, reduceTimer } from '../../shared/timer/timer.js'
import { getRoom, saveTimer } from '../db/rooms.repo.js'
import type { Deps } from '../deps.js'
import type { RoomServer, RoomSocket } from './socket.js'

/** Without an expectedVersion a command is retried on a lost race; with one it reports the conflict. */
const MAX_ATTEMPTS = 5

export function registerTimerHandlers(io: RoomServer, socket: RoomSocket, deps: Deps): void {
  socket.on('timer:command', async (raw, ack) => {
    const reply = typeof ack === 'function' ? ack : () => {}
    try {
      const current = await getRoom(deps.db, socket.data.roomId)
      if (!current) throw new AppError('not_found', 'no such room')
      // The role in the current round: after a peer swap the other person holds the clock.
      if (!can.controlTimer(roleInRound(socket.data.linkRole, current.round, current.mode))) {
        throw new AppError('forbidden', 'only the interviewer controls the timer')
      }
      const parsed = TimerCommand.safeParse(raw)
      if (!parsed.success) throw new AppError('invalid', parsed.error.issues[0]?.message ?? 'invalid timer command')
      const cmd = parsed.data
      const { roomId } = socket.data
      for (let attempt = 1; ; attempt++) {
        const room = attempt === 1 ? current : await getRoom(deps.db, roomId)
        if (!room) throw new AppError('not_found', 'no such room')
        if (room.round !== current.round) throw new AppError('conflict', 'a new round has started')
        if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== room.timer.version) {
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
        if (saved) {
          io.to(roomId).emit('timer', { timer: next, serverNow: deps.clock() })
          reply({ ok: true, timer: next } satisfies Ack<{ timer: TimerState }>)
          return
        }
        if (cmd.expectedVersion !== undefined || attempt >= MAX_ATTEMPTS) {
          throw new AppError('conflict', 'another command changed the timer first')
        }
      }
    } catch (err) {
      if (err instanceof AppError) reply({ ok: false, error: { code: err.code, message: err.message } })
      else {
        deps.log.error('timer command failed', { error: err instanceof Error ? err.stack : String(err) })
        reply({ ok: false, error: { code: 'internal', message: 'internal error' } })
      }
    }
  })
}

import type { Server as HttpServer } from 'node:http'
import { Server, type Socket } from 'socket.io'
import { AppError } from '../../shared/errors.js'
import { type ClientToServer, type Participant, type ServerToClient, SocketAuth } from '../../shared/protocol/events.js'
import { colorFor } from '../../shared/rooms/room.js'
import { type Role, roleInRound } from '../../shared/rooms/roles.js'
import { authenticate } from '../auth/access.js'
import { listLinks } from '../db/links.repo.js'
import { insertParticipant, markLeft } from '../db/participants.repo.js'
import { getRoom, type RoomRow, toRoom } from '../db/rooms.repo.js'
import type { Deps, RealtimeNotifier } from '../deps.js'
import { retryAfterSeconds } from '../http/rate-limit.js'
import { newId } from '../ids.js'
import { registerClockHandlers } from './clock.handlers.js'
import { registerTimerHandlers } from './timer.handlers.js'

export interface SocketData {
  roomId: string
  linkId: string
  /** The role in the token; the role in the current round is derived from it and the room. */
  linkRole: Role
  participant: Participant
}
export type RoomServer = Server<ClientToServer, ServerToClient, Record<string, never>, SocketData>
export type RoomSocket = Socket<ClientToServer, ServerToClient, Record<string, never>, SocketData>

const DEFAULT_NAMES = { interviewer: 'Interviewer', candidate: 'Candidate', observer: 'Observer' } as const

/** socket.io wiring: auth by token, presence, and the timer handlers. Returns the server and its notifier. */
export function attachSocketIo(httpServer: HttpServer, deps: Deps, adapter?: Parameters<RoomServer['adapter']>[0]) {
  const io: RoomServer = new Server(httpServer, {
    serveClient: false,
    // Yjs upgrades on /yjs share this HTTP server: do not let engine.io kill sockets it does not own.
    destroyUpgrade: false,
    maxHttpBufferSize: 64 * 1024,
    // Several nodes: the Redis Streams adapter, and connection-state recovery (a socket back within
    // two minutes gets what was broadcast meanwhile; the auth middleware still runs for it).
    ...(adapter ? { adapter, connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false } } : {}),
  })

  // First, before any database work: connections from one address beyond the limit are refused.
  io.use((socket, next) => {
    const verdict = deps.limits.connections(socket.request)
    if (verdict.ok) return next()
    const retryAfter = retryAfterSeconds(verdict.retryAfterMs)
    next(Object.assign(new Error(`too many connections from this address; try again in ${retryAfter} s`), { data: { code: 'rate_limited', retryAfter } }))
  })

  io.use(async (socket, next) => {
    try {
      const auth = SocketAuth.safeParse(socket.handshake.auth)
      if (!auth.success) throw new AppError('unauthorized', 'an invite token is required')
      const claims = deps.tokens.verify(auth.data.token, deps.clock())
      const caller = await authenticate(deps.db, deps.tokens, auth.data.token, claims.roomId, deps.clock())
      // A colour per invite link, so a person keeps theirs across reconnects.
      const index = (await listLinks(deps.db, caller.roomId)).findIndex((l) => l.id === caller.linkId)
      const row = await insertParticipant(deps.db, {
        id: newId(12),
        roomId: caller.roomId,
        linkId: caller.linkId,
        role: caller.role,
        name: auth.data.name || DEFAULT_NAMES[caller.role],
        color: colorFor(index),
        joinedAt: new Date(deps.clock()),
      })
      socket.data = {
        roomId: caller.roomId,
        linkId: caller.linkId,
        linkRole: caller.linkRole,
        participant: { id: row.id, name: row.name, role: row.role, color: row.color, joinedAt: row.joinedAt.toISOString() },
      }
      next()
    } catch (err) {
      const appErr = err instanceof AppError ? err : new AppError('unauthorized', 'could not authenticate')
      if (!(err instanceof AppError)) deps.log.error('socket auth failed', { error: String(err) })
      next(Object.assign(new Error(appErr.message), { data: { code: appErr.code } }))
    }
  })

  /**
   * The room's sockets on every node. Asking the other nodes goes through Redis: while it is down,
   * this node's own sockets are the best answer, and far better than a failed connection.
   */
  let othersUnreachable = false
  const socketsIn = (roomId: string) =>
    io
      .in(roomId)
      .fetchSockets()
      .then(
        (sockets) => {
          othersUnreachable = false
          return sockets
        },
        (err) => {
          // Once per outage, not once per connection.
          if (!othersUnreachable) deps.log.warn("other nodes unreachable; presence from this node's sockets only", { error: String(err) })
          othersUnreachable = true
          // Straight from this node's namespace: the adapter's own local fetch asks Redis how many nodes there are.
          return [...(io.of('/').adapter.rooms.get(roomId) ?? [])].flatMap((id) => {
            const socket = io.of('/').sockets.get(id)
            return socket ? [socket] : []
          })
        },
      )

  /** Everyone in the room with the role they play in the room's current round. */
  const participantsOf = async (room: Pick<RoomRow, 'id' | 'round' | 'mode'>) => {
    const sockets = await socketsIn(room.id)
    const withRoles = sockets.map((s) => ({
      socket: s,
      participant: { ...s.data.participant, role: roleInRound(s.data.linkRole, room.round, room.mode) },
    }))
    withRoles.sort((a, b) => a.participant.joinedAt.localeCompare(b.participant.joinedAt))
    return withRoles
  }

  const broadcastPresence = async (roomId: string) => {
    const room = await getRoom(deps.db, roomId)
    if (!room) return
    io.to(roomId).emit('presence', { participants: (await participantsOf(room)).map((p) => p.participant) })
  }

  /** Joins the socket to its room and sends it the room's state; tells the others it arrived. */
  const greet = async (socket: RoomSocket) => {
    const { roomId, participant } = socket.data
    await socket.join(roomId)
    const row = await getRoom(deps.db, roomId)
    if (!row || !socket.connected) return
    const participants = (await participantsOf(row)).map((p) => p.participant)
    const you = participants.find((p) => p.id === participant.id) ?? participant
    socket.emit('room:state', { room: toRoom(row), participants, timer: row.timer, serverNow: deps.clock(), you })
    socket.to(roomId).emit('presence', { participants })
  }

  io.on('connection', (socket: RoomSocket) => {
    const { roomId, linkId, participant } = socket.data
    const unregister = deps.sessions.add(linkId, () => {
      socket.emit('revoked', { message: 'this invite link has been revoked' })
      socket.disconnect(true)
    })
    socket.on('disconnect', async () => {
      unregister()
      await markLeft(deps.db, participant.id, new Date(deps.clock())).catch((err) =>
        deps.log.warn('could not record a leave', { error: String(err) }),
      )
      await broadcastPresence(roomId).catch((err) => deps.log.warn('could not announce a leave', { room: roomId, error: String(err) }))
    })
    registerTimerHandlers(io, socket, deps)
    registerClockHandlers(socket, deps)
    // An event handler's rejection is nobody's to catch: it would stop the node. A socket that
    // could not be greeted (the database failing) stays joined and gets the room's next broadcast.
    greet(socket).catch((err) => deps.log.warn('could not greet a socket', { room: roomId, error: String(err) }))
  })

  const notifier: RealtimeNotifier = {
    async roomChanged(roomId) {
      const row = await getRoom(deps.db, roomId)
      if (!row) return
      const everyone = await participantsOf(row)
      const participants = everyone.map((p) => p.participant)
      // Each socket gets its own copy: after a swap, `you.role` differs per person.
      for (const { socket, participant } of everyone) {
        socket.emit('room:state', { room: toRoom(row), participants, timer: row.timer, serverNow: deps.clock(), you: participant })
      }
    },
    async toInterviewers(roomId, round, event, payload) {
      const row = await getRoom(deps.db, roomId)
      if (!row) return
      for (const s of await socketsIn(roomId)) {
        if (roleInRound(s.data.linkRole, round, row.mode) === 'interviewer') s.emit(event, payload)
      }
    },
    toRoom(roomId, event, payload) {
      io.to(roomId).emit(event, payload)
    },
    async resyncLocalRooms() {
      const rooms = new Set((await io.local.fetchSockets()).map((s) => s.data.roomId))
      for (const roomId of rooms) await notifier.roomChanged(roomId)
    },
  }

  return { io, notifier }
}

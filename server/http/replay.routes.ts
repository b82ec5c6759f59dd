import type { Context } from 'hono'
import { Hono } from 'hono'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { AppError } from '../../shared/errors.js'
import { bucketFor, stepTimeline, type TimerMark } from '../../shared/replay/timeline.js'
import { can, DocName, docKey } from '../../shared/rooms/roles.js'
import { roleOf } from '../auth/access.js'
import { applyStored } from '../collab/keyframe.js'
import { listParticipants } from '../db/participants.repo.js'
import { activity, docAt, updatesAfter } from '../db/replay.repo.js'
import { getRoom, listRoundEvents } from '../db/rooms.repo.js'
import { getRound, listRounds } from '../db/rounds.repo.js'
import type { Deps } from '../deps.js'
import { httpCaller } from './caller.js'
import { intParam, MAX_TIME_MS } from './int-param.js'
import { pathParam } from './path-param.js'
import { roundParam } from './round-param.js'

const BUCKET = { min: 1000, max: 600_000 }
const TIME = { min: 0, max: MAX_TIME_MS }
const LIMIT = { min: 1, max: 10_000 }

/**
 * Replay of a recorded round: its timeline, a document's state at any moment, and the updates
 * that follow it (what playing forward applies). Interviewers of the round always; its candidate,
 * the board only and once feedback is shared; observers never.
 */
export function replayRoutes(deps: Deps) {
  const access = async (c: Context) => {
    const roomId = pathParam(c, 'id')
    const who = await httpCaller(deps, c, roomId)
    if (who.linkRole === 'observer') throw new AppError('forbidden', 'observers cannot replay an interview')
    const round = roundParam(c, who)
    const kind = DocName.safeParse(c.req.query('doc') ?? 'board')
    if (!kind.success) throw new AppError('invalid', 'doc must be "board" or "private"')
    const role = roleOf(who, round)
    if (role !== 'interviewer') {
      if (kind.data === 'private') throw new AppError('forbidden', "only the interviewer replays the private notes")
      // Only the candidate's access depends on the round's row: interviewers' requests (a replay
      // playing forward polls /updates) skip the query.
      const roundRow = await getRound(deps.db, roomId, round)
      if (!can.replayRound(role, Boolean(roundRow?.feedbackSharedAt))) throw new AppError('forbidden', 'the replay opens to the candidate once the feedback is shared')
    }
    return { who, round, role, doc: kind.data, key: docKey(kind.data, round) }
  }

  return new Hono()
    .get('/:id/replay', async (c) => {
      const { who, round, role } = await access(c)
      const room = (await getRoom(deps.db, who.roomId))!
      const rounds = await listRounds(deps.db, who.roomId)
      const thisRound = rounds.find((r) => r.round === round)!
      const next = rounds.find((r) => r.round === round + 1)
      const events = await listRoundEvents(deps.db, who.roomId, round, 'timer')
      const marks: TimerMark[] = events.map((e) => {
        const p = e.payload as { command: { type: string }; stepIndex: number; status: TimerMark['status'] }
        return { at: e.at.getTime(), command: p.command.type, stepIndex: p.stepIndex, status: p.status }
      })
      const docs = role === 'interviewer' ? [docKey('board', round), docKey('private', round)] : [docKey('board', round)]
      const now = deps.clock()
      const ended = marks.findLast((m) => m.status === 'ended')?.at ?? next?.startedAt.getTime() ?? null
      // By default a bucket fit for the round's length: the strip the replay view draws.
      const bucketMs = intParam(c, 'bucket', BUCKET, bucketFor((ended ?? now) - thisRound.startedAt.getTime()))
      const buckets = await activity(deps.db, who.roomId, docs, bucketMs)
      const lastActivity = buckets.length > 0 ? buckets.at(-1)!.at + bucketMs : 0
      const start = Math.min(thisRound.startedAt.getTime(), buckets[0]?.at ?? Infinity, marks[0]?.at ?? Infinity)
      const end = Math.max(ended ?? now, Math.min(lastActivity, ended === null ? now : Infinity), start)
      const timer = round === room.round ? room.timer : thisRound.finalTimer
      const presence = (await listParticipants(deps.db, who.roomId))
        .filter((p) => p.joinedAt.getTime() <= end && (p.leftAt === null || p.leftAt.getTime() >= start))
        .map((p) => ({ name: p.name, role: p.role, color: p.color, joinedAt: p.joinedAt.getTime(), leftAt: p.leftAt?.getTime() ?? null }))
      return c.json({
        round,
        start,
        end,
        durationMs: end - start,
        live: ended === null,
        serverNow: now,
        steps: stepTimeline(room.kit.steps, marks, ended ?? now, timer?.steps.map((s) => s.plannedMs)),
        marks,
        presence,
        activity: { bucketMs, buckets },
        docs: role === 'interviewer' ? ['board', 'private'] : ['board'],
      })
    })
    .get('/:id/replay/state', async (c) => {
      const { who, key } = await access(c)
      const at = intParam(c, 't', TIME, deps.clock())
      const { keyframe, updates, seq } = await docAt(deps.db, who.roomId, key, new Date(at))
      const doc = new Y.Doc()
      try {
        applyStored(doc, keyframe, updates)
        return c.body(bytes(Y.encodeStateAsUpdate(doc)), 200, {
          'content-type': 'application/octet-stream',
          'x-replay-seq': String(seq),
          'x-replay-at': String(at),
          'cache-control': 'no-store',
        })
      } finally {
        doc.destroy()
      }
    })
    .get('/:id/replay/updates', async (c) => {
      const { who, key } = await access(c)
      const after = intParam(c, 'after', { min: 0, max: Number.MAX_SAFE_INTEGER }, 0)
      const until = intParam(c, 'until', TIME, deps.clock())
      const limit = intParam(c, 'limit', LIMIT, 2000)
      const rows = await updatesAfter(deps.db, who.roomId, key, after, new Date(until), limit)
      // Framed with lib0: count, then per update its seq, server time (ms) and bytes.
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, rows.length)
      for (const r of rows) {
        encoding.writeVarUint(encoder, r.seq)
        encoding.writeVarUint(encoder, r.at.getTime())
        encoding.writeVarUint8Array(encoder, r.bytes)
      }
      return c.body(bytes(encoding.toUint8Array(encoder)), 200, {
        'content-type': 'application/octet-stream',
        'x-replay-more': String(rows.length === limit),
        'cache-control': 'no-store',
      })
    })
}

/** Hono wants an ArrayBuffer-backed view; Yjs and lib0 type theirs loosely. */
const bytes = (u: Uint8Array) => u as Uint8Array<ArrayBuffer>

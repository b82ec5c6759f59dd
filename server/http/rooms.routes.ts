import type { Context } from 'hono'
import { Hono } from 'hono'
import { z } from 'zod'
import { AppError } from '../../shared/errors.js'
import { findQuestion, questionBank } from '../../shared/questions/bank.js'
import { isPersonalSeat, SeatClaimInput, type SeatAnswer } from '../../shared/rooms/links.js'
import { CreateRoomInput, kitFor, NewRoundInput, questionFor, type Room, type RoundSummary } from '../../shared/rooms/room.js'
import { can, MAX_ROUNDS, Role, roleInRound } from '../../shared/rooms/roles.js'
import { nextQuestion } from '../../shared/rooms/rounds.js'
import { safeText } from '../../shared/text.js'
import { initialTimer } from '../../shared/timer/timer.js'
import type { Caller } from '../auth/access.js'
import { LINK_LIFETIME_MS, linkToken, linkUrl, linkView } from '../auth/invite-links.js'
import { claimLink, insertLinks, listLinks, revokeLink, usageByLink } from '../db/links.repo.js'
import { namesByLink } from '../db/participants.repo.js'
import { findKit } from '../db/kits.repo.js'
import { insertRound, listRounds } from '../db/rounds.repo.js'
import { getRoom, insertRoom, startNextRound, toRoom } from '../db/rooms.repo.js'
import type { Deps } from '../deps.js'
import { notifyPanel } from '../rubrics/panel.js'
import { newId } from '../ids.js'
import { httpCaller } from './caller.js'
import { jsonBody } from './json-body.js'
import { pathParam } from './path-param.js'

const DEFAULT_KIT = 'ml-system-design'
const NewLinkInput = z.strictObject({ role: Role, label: safeText().trim().min(1).max(60).optional() })

export function roomRoutes(deps: Deps) {
  const caller = (c: Context, roomId: string) => httpCaller(deps, c, roomId)

  const requireInterviewer = (who: Caller) => {
    if (!can.manageLinks(who.role)) throw new AppError('forbidden', 'only interviewers can do this')
  }

  /** A link added or revoked changes the panel only if it interviews in the current round. */
  const notifyPanelOfLink = async (roomId: string, linkRole: Role) => {
    const room = await getRoom(deps.db, roomId)
    if (room && roleInRound(linkRole, room.round, room.mode) === 'interviewer') await notifyPanel(deps, room, room.round)
  }

  return new Hono()
    .post('/', async (c) => {
      const input = await jsonBody(c, CreateRoomInput, { emptyAs: {} })
      const kit = await findKit(deps.db, input.kitId ?? DEFAULT_KIT)
      if (!kit) throw new AppError('invalid', `kitId: no kit "${input.kitId}"`)
      const question = input.questionId === undefined ? undefined : findQuestion(input.questionId)
      if (input.questionId !== undefined && !question) throw new AppError('invalid', `questionId: no question "${input.questionId}"`)
      const now = deps.clock()
      const roomId = newId(10)
      const row = await deps.db.transaction(async (tx) => {
        // The room references the kit version (kitId, kitVersion); it no longer copies the kit.
        const room = await insertRoom(
          tx,
          {
            id: roomId,
            title: input.title ?? question?.title ?? 'ML system design interview',
            mode: input.mode ?? 'peer',
            level: input.level ?? 'senior',
            questionId: question?.id ?? null,
            timer: initialTimer(kit.steps),
            timerVersion: 0,
            createdAt: new Date(now),
          },
          kit,
        )
        await insertRound(tx, { roomId, round: 1, questionId: question?.id ?? null, startedAt: new Date(now) })
        const expiresAt = new Date(now + LINK_LIFETIME_MS)
        const links = await insertLinks(
          tx,
          Role.options.map((role) => ({ id: newId(12), roomId, role, createdAt: new Date(now), expiresAt })),
        )
        return { room, links }
      })
      const tokens = Object.fromEntries(row.links.map((l) => [l.role, linkToken(deps.tokens, l)])) as Record<Role, string>
      const links = Object.fromEntries(Role.options.map((r) => [r, linkUrl(deps.publicUrl, roomId, tokens[r])])) as Record<Role, string>
      return c.json({ room: toRoom(row.room), links, tokens }, 201)
    })
    .get('/:id', async (c) => {
      const roomId = pathParam(c, 'id')
      const who = await caller(c, roomId)
      const row = await getRoom(deps.db, roomId)
      if (!row) throw new AppError('not_found', 'no such room')
      const question = row.questionId ? findQuestion(row.questionId) : undefined
      const room: Room = toRoom(row)
      const rounds: RoundSummary[] = (await listRounds(deps.db, roomId)).map((r) => ({
        round: r.round,
        questionId: r.questionId,
        questionTitle: r.questionId ? (findQuestion(r.questionId)?.title ?? null) : null,
        startedAt: r.startedAt.toISOString(),
        ended: r.round < row.round || row.timer.status === 'ended',
        feedbackShared: r.feedbackSharedAt !== null,
        timer: r.finalTimer,
      }))
      return c.json({
        room,
        role: who.role,
        linkRole: who.linkRole,
        kit: kitFor(who.role, row.kit),
        question: question ? questionFor(who.role, question) : null,
        timer: row.timer,
        rounds,
        serverNow: deps.clock(),
      })
    })
    .post('/:id/rounds', async (c) => {
      const roomId = pathParam(c, 'id')
      const who = await caller(c, roomId)
      if (who.role !== 'interviewer') throw new AppError('forbidden', 'only the interviewer can swap roles')
      const input = await jsonBody(c, NewRoundInput, { emptyAs: {} })
      const room = await getRoom(deps.db, roomId)
      if (!room) throw new AppError('not_found', 'no such room')
      if (room.mode !== 'peer') throw new AppError('invalid', 'roles are swapped in peer practice only, not in a panel')
      if (room.timer.status !== 'ended') throw new AppError('conflict', 'end the interview before swapping roles')
      if (room.round >= MAX_ROUNDS) throw new AppError('conflict', `a room has at most ${MAX_ROUNDS} rounds`)
      const past = await listRounds(deps.db, roomId)
      let questionId: string | null
      if (input.questionId !== undefined) {
        if (!findQuestion(input.questionId)) throw new AppError('invalid', `questionId: no question "${input.questionId}"`)
        questionId = input.questionId
      } else {
        // A question neither person has had in this room yet, in bank order.
        questionId = nextQuestion(questionBank, past)?.id ?? null
      }
      const now = deps.clock()
      const timer = { ...initialTimer(room.kit.steps), version: room.timer.version + 1 }
      const moved = await startNextRound(deps.db, room, { questionId, timer, at: new Date(now), participantId: null })
      if (!moved) throw new AppError('conflict', 'the room changed meanwhile; reload and try again')
      await deps.reopenDocs(roomId)
      await deps.realtime.roomChanged(roomId)
      const updated = (await getRoom(deps.db, roomId))!
      return c.json({ room: toRoom(updated), timer: updated.timer }, 201)
    })
    .get('/:id/links', async (c) => {
      const roomId = pathParam(c, 'id')
      requireInterviewer(await caller(c, roomId))
      const [links, usage] = await Promise.all([listLinks(deps.db, roomId), usageByLink(deps.db, roomId)])
      return c.json({ links: links.map((l) => linkView(deps.tokens, deps.publicUrl, l, usage.get(l.id))) })
    })
    // A panelist's browser takes the seat of the interviewer link it opened: a second browser on
    // the same link is told, and offered a seat of its own, before it could see the first one's rubric.
    .post('/:id/links/mine/claim', async (c) => {
      const roomId = pathParam(c, 'id')
      const who = await caller(c, roomId)
      const input = await jsonBody(c, SeatClaimInput)
      if (!isPersonalSeat(who.mode, who.linkRole)) return c.json({ seat: 'yours' } satisfies SeatAnswer)
      const claim = await claimLink(deps.db, roomId, who.linkId, input.device, input.force === true, new Date(deps.clock()))
      if (claim.claimed) return c.json({ seat: 'yours' } satisfies SeatAnswer)
      const by = (await namesByLink(deps.db, roomId)).get(who.linkId) ?? null
      return c.json({ seat: 'taken', since: claim.since.toISOString(), by } satisfies SeatAnswer)
    })
    .post('/:id/links', async (c) => {
      const roomId = pathParam(c, 'id')
      requireInterviewer(await caller(c, roomId))
      const input = await jsonBody(c, NewLinkInput)
      const now = deps.clock()
      const [link] = await insertLinks(deps.db, [
        { id: newId(12), roomId, role: input.role, label: input.label ?? null, createdAt: new Date(now), expiresAt: new Date(now + LINK_LIFETIME_MS) },
      ])
      // A new panelist changes the panel everyone is waiting on.
      await notifyPanelOfLink(roomId, link!.role)
      return c.json({ link: linkView(deps.tokens, deps.publicUrl, link!) }, 201)
    })
    .delete('/:id/links/:linkId', async (c) => {
      const roomId = pathParam(c, 'id')
      requireInterviewer(await caller(c, roomId))
      const revoked = await revokeLink(deps.db, roomId, pathParam(c, 'linkId'), new Date(deps.clock()))
      if (!revoked) throw new AppError('not_found', 'no such active link in this room')
      deps.revokeLink(revoked.id)
      // A panelist leaving may complete the panel: the others learn it at once.
      await notifyPanelOfLink(roomId, revoked.role)
      return c.json({ link: linkView(deps.tokens, deps.publicUrl, revoked) })
    })
}

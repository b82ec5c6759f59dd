import type { Context } from 'hono'
import { Hono } from 'hono'
import { z } from 'zod'
import { AppError } from '../../shared/errors.js'
import {
  emptyDraft,
  fitDraftToKit,
  missingForSubmit,
  type Rubric,
  RubricDraft,
  shareableFeedback,
} from '../../shared/rubric/rubric.js'
import { safeText } from '../../shared/text.js'
import { type Caller, roleOf } from '../auth/access.js'
import { namesByLink } from '../db/participants.repo.js'
import { getRoom } from '../db/rooms.repo.js'
import { getRound, listRounds, updateRound } from '../db/rounds.repo.js'
import { ensureRubric, getRubric, getRubricById, saveRubric, toRubric } from '../db/rubrics.repo.js'
import type { Deps } from '../deps.js'
import { newId } from '../ids.js'
import { notifyPanel, rubricsSeenBy } from '../rubrics/panel.js'
import { httpCaller } from './caller.js'
import { jsonBody } from './json-body.js'
import { pathParam } from './path-param.js'
import { roundParam } from './round-param.js'

const SaveInput = RubricDraft.extend({
  expectedVersion: z.number().int().nonnegative().optional(),
  /** The name the interviewer goes by on the panel. */
  name: safeText().trim().min(1).max(40).optional(),
})
const SubmitInput = z.strictObject({ expectedVersion: z.number().int().nonnegative().optional() })

/**
 * Rubrics (one per interviewer per round) and the feedback shared from them. Only the people who
 * interview in a round ever reach a rubric of that round; candidates see shared feedback only.
 */
export function rubricRoutes(deps: Deps) {
  const caller = (c: Context, roomId: string) => httpCaller(deps, c, roomId)

  const loadForInterviewer = async (c: Context) => {
    const roomId = pathParam(c, 'id')
    const who = await caller(c, roomId)
    const round = roundParam(c, who)
    if (roleOf(who, round) !== 'interviewer') throw new AppError('forbidden', 'rubrics are for the interviewers of this round only')
    const room = (await getRoom(deps.db, roomId))!
    return { who, round, room, stepKeys: room.kit.steps.map((s) => s.key) }
  }

  const virtualRubric = (who: Caller, round: number, stepKeys: string[], name: string): Rubric => ({
    ...emptyDraft(stepKeys),
    id: '',
    roomId: who.roomId,
    round,
    linkId: who.linkId,
    interviewerName: name,
    status: 'draft',
    version: 0,
    updatedAt: new Date(deps.clock()).toISOString(),
    submittedAt: null,
  })

  return new Hono()
    .get('/:id/rubrics', async (c) => {
      const { who, round, room, stepKeys } = await loadForInterviewer(c)
      // Each interviewer scores alone: the others' rubrics appear only once yours is submitted.
      const seen = await rubricsSeenBy(deps.db, room, round, who.linkId)
      const me = seen.panel.find((p) => p.linkId === who.linkId)
      const roundRow = await getRound(deps.db, room.id, round)
      return c.json({
        round,
        mine: seen.mine ?? virtualRubric(who, round, stepKeys, me?.name ?? 'Interviewer'),
        others: seen.others,
        panel: seen.panel,
        calibration: seen.calibration,
        feedback: roundRow?.feedbackSharedAt
          ? { sharedAt: roundRow.feedbackSharedAt.toISOString(), rubricId: roundRow.sharedRubricId }
          : null,
      })
    })
    .put('/:id/rubrics/mine', async (c) => {
      const { who, round, room, stepKeys } = await loadForInterviewer(c)
      const input = await jsonBody(c, SaveInput)
      const { expectedVersion, name, ...draft } = input
      const fitted = fitDraftToKit(draft, stepKeys)
      if (!fitted.ok) throw new AppError('invalid', `unknown step ${fitted.unknown.map((k) => `"${k}"`).join(', ')} for this kit`)
      const now = new Date(deps.clock())
      let row = await getRubric(deps.db, room.id, round, who.linkId)
      // Version 0 is the rubric nobody has saved yet (what GET shows before the first save).
      let base = row?.version
      if (!row) {
        if (expectedVersion !== undefined && expectedVersion !== 0) throw new AppError('conflict', 'this rubric does not exist yet')
        const names = await namesByLink(deps.db, room.id)
        const ensured = await ensureRubric(deps.db, {
          id: newId(12),
          roomId: room.id,
          round,
          linkId: who.linkId,
          interviewerName: name ?? names.get(who.linkId) ?? 'Interviewer',
          draft: emptyDraft(stepKeys),
          updatedAt: now,
        })
        row = ensured.row
        // Only the save that made the row may claim version 0; a concurrent first save conflicts.
        base = ensured.created ? 0 : row.version
      }
      if (row.status === 'submitted') throw new AppError('conflict', 'this rubric is submitted and locked')
      if (expectedVersion !== undefined && expectedVersion !== base) {
        throw new AppError('conflict', `the rubric changed (version ${row.version}); reload it`)
      }
      const saved = await saveRubric(deps.db, row.id, row.version, { draft: fitted.draft, updatedAt: now, ...(name ? { interviewerName: name } : {}) })
      if (!saved) throw new AppError('conflict', 'the rubric changed meanwhile; reload it')
      if (base === 0) await notifyPanel(deps, room, round)
      return c.json({ rubric: toRubric(saved) })
    })
    .post('/:id/rubrics/mine/submit', async (c) => {
      const { who, round, room, stepKeys } = await loadForInterviewer(c)
      const input = await jsonBody(c, SubmitInput, { emptyAs: {} })
      const row = await getRubric(deps.db, room.id, round, who.linkId)
      if (!row) {
        // Never saved: everything is missing, and the interviewer is told what that is.
        const missing = missingForSubmit(emptyDraft(stepKeys), stepKeys)
        throw new AppError('invalid', `still missing: ${missing.join('; ')}`, { missing })
      }
      if (row.status === 'submitted') throw new AppError('conflict', 'this rubric is already submitted')
      if (input.expectedVersion !== undefined && input.expectedVersion !== row.version) {
        throw new AppError('conflict', `the rubric changed (version ${row.version}); reload it`)
      }
      const missing = missingForSubmit(row.draft, stepKeys)
      if (missing.length > 0) throw new AppError('invalid', `still missing: ${missing.join('; ')}`, { missing })
      const now = new Date(deps.clock())
      const saved = await saveRubric(deps.db, row.id, row.version, { draft: row.draft, updatedAt: now, status: 'submitted', submittedAt: now })
      if (!saved) throw new AppError('conflict', 'the rubric changed meanwhile; reload it')
      await notifyPanel(deps, room, round)
      return c.json({ rubric: toRubric(saved) })
    })
    .post('/:id/feedback/share', async (c) => {
      const { who, round, room } = await loadForInterviewer(c)
      const ended = round < room.round || room.timer.status === 'ended'
      if (!ended) throw new AppError('conflict', 'end the interview before sharing feedback')
      const mine = await getRubric(deps.db, room.id, round, who.linkId)
      if (mine?.status !== 'submitted') throw new AppError('conflict', 'submit your rubric before sharing it')
      const roundRow = await getRound(deps.db, room.id, round)
      if (roundRow?.feedbackSharedAt) throw new AppError('conflict', 'feedback for this round is already shared')
      const sharedAt = new Date(deps.clock())
      await updateRound(deps.db, room.id, round, { feedbackSharedAt: sharedAt, sharedRubricId: mine.id })
      deps.realtime.toRoom(room.id, 'feedback', { round, sharedAt: sharedAt.toISOString() })
      return c.json({ feedback: shareableFeedback(toRubric(mine), sharedAt.toISOString()) })
    })
    .get('/:id/feedback', async (c) => {
      const roomId = pathParam(c, 'id')
      const who = await caller(c, roomId)
      if (who.linkRole === 'observer') throw new AppError('forbidden', 'observers do not receive feedback')
      const rounds = await listRounds(deps.db, roomId)
      const feedback = []
      for (const r of rounds) {
        if (!r.feedbackSharedAt || !r.sharedRubricId) continue
        const role = roleOf(who, r.round)
        if (role !== 'candidate' && role !== 'interviewer') continue
        const rubric = await getRubricById(deps.db, r.sharedRubricId)
        if (rubric) feedback.push(shareableFeedback(toRubric(rubric), r.feedbackSharedAt.toISOString()))
      }
      const everInterviewer = rounds.some((r) => roleOf(who, r.round) === 'interviewer')
      if (feedback.length === 0 && !everInterviewer) throw new AppError('forbidden', 'no feedback has been shared with you yet')
      return c.json({ feedback })
    })
}

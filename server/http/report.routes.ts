import type { Context } from 'hono'
import { Hono } from 'hono'
import { readBoard } from '../../shared/canvas/board.js'
import { boardSvg } from '../../shared/canvas/svg.js'
import { AppError } from '../../shared/errors.js'
import { findQuestion } from '../../shared/questions/bank.js'
import { reportMarkdown } from '../../shared/report/markdown.js'
import type { Report } from '../../shared/report/report.js'
import { can, docKey } from '../../shared/rooms/roles.js'
import { shareableFeedback } from '../../shared/rubric/rubric.js'
import { settle, viewTimer } from '../../shared/timer/view.js'
import { roleOf } from '../auth/access.js'
import { getRoom } from '../db/rooms.repo.js'
import { getRound } from '../db/rounds.repo.js'
import { getRubricById, toRubric } from '../db/rubrics.repo.js'
import type { Deps } from '../deps.js'
import { rubricsSeenBy } from '../rubrics/panel.js'
import { httpCaller } from './caller.js'
import { pathParam } from './path-param.js'
import { roundParam } from './round-param.js'

/** `?format=md|markdown|json`, else the Accept header; JSON by default. */
function wantsMarkdown(c: Context): boolean {
  const format = c.req.query('format')
  if (format !== undefined) {
    if (format === 'md' || format === 'markdown') return true
    if (format === 'json') return false
    throw new AppError('invalid', 'format must be "json" or "md"')
  }
  return /text\/markdown/.test(c.req.header('accept') ?? '')
}

/**
 * A round as a document to keep: question, kit, level, time per step against the plan, every
 * step's notes, the canvas as SVG, and the rubrics as the caller may see them. Interviewers of the
 * round, always; its candidate once feedback is shared; observers never.
 */
export function reportRoutes(deps: Deps) {
  return new Hono().get('/:id/report', async (c) => {
    const roomId = pathParam(c, 'id')
    const who = await httpCaller(deps, c, roomId)
    if (who.linkRole === 'observer') throw new AppError('forbidden', 'observers do not receive reports')
    const round = roundParam(c, who)
    const markdown = wantsMarkdown(c)
    const role = roleOf(who, round)
    const roundRow = await getRound(deps.db, roomId, round)
    if (!can.replayRound(role, Boolean(roundRow?.feedbackSharedAt))) {
      throw new AppError('forbidden', 'the report opens to the candidate once the feedback is shared')
    }
    const room = (await getRoom(deps.db, roomId))!
    const now = deps.clock()
    const timer = round === room.round ? room.timer : (roundRow?.finalTimer ?? room.timer)
    const clock = viewTimer(timer, now)
    const settled = settle(timer, now).steps.map((s) => s.usedMs)

    const [board, priv] = await Promise.all([
      deps.readDoc(roomId, docKey('board', round)),
      role === 'interviewer' ? deps.readDoc(roomId, docKey('private', round)) : null,
    ])
    try {
      const questionId = roundRow?.questionId ?? null
      const question = questionId ? findQuestion(questionId) : undefined
      const canvas = readBoard(board)
      let rubrics: Report['rubrics']
      if (role === 'interviewer') {
        const { mine, others, calibration } = await rubricsSeenBy(deps.db, room, round, who.linkId)
        rubrics = { view: 'interviewer', mine, others, calibration }
      } else {
        const shared = roundRow?.sharedRubricId ? await getRubricById(deps.db, roundRow.sharedRubricId) : undefined
        rubrics = { view: 'candidate', feedback: shared ? shareableFeedback(toRubric(shared), roundRow!.feedbackSharedAt!.toISOString()) : null }
      }
      const report: Report = {
        room: { id: room.id, title: room.title, level: room.level, mode: room.mode },
        round,
        question: question ? { id: question.id, title: question.title, prompt: question.prompt } : null,
        kit: { id: room.kit.id, version: room.kit.version, title: room.kit.title },
        timer: { status: timer.status, startedAt: timer.startedAt, endedAt: timer.endedAt, totalPlannedMs: clock.totalPlannedMs, totalUsedMs: clock.totalUsedMs },
        steps: room.kit.steps.map((s, i) => ({
          key: s.key,
          title: s.title,
          plannedMs: timer.steps[i]?.plannedMs ?? s.minutes * 60_000,
          usedMs: settled[i] ?? 0,
          notes: board.getText(`notes:${s.key}`).toString(),
          ...(priv ? { privateNotes: priv.getText(`private:${s.key}`).toString() } : {}),
        })),
        canvas: { svg: boardSvg(canvas.nodes, canvas.edges).svg, nodes: canvas.nodes.length, edges: canvas.edges.length },
        rubrics,
        generatedAt: now,
      }
      if (!markdown) return c.json(report)
      const filename = `${room.title.replace(/[^\w.-]+/g, '-').slice(0, 60) || 'interview'}-round-${round}.md`
      return c.body(reportMarkdown(report), 200, {
        'content-type': 'text/markdown; charset=utf-8',
        'content-disposition': `inline; filename="${filename}"`,
      })
    } finally {
      board.destroy()
      priv?.destroy()
    }
  })
}

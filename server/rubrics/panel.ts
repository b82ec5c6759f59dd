import type { RubricsStatusPayload } from '../../shared/protocol/events.js'
import { roleInRound } from '../../shared/rooms/roles.js'
import type { Db } from '../db/client.js'
import { listLinks } from '../db/links.repo.js'
import { namesByLink } from '../db/participants.repo.js'
import type { RoomRow } from '../db/rooms.repo.js'
import { calibrate } from '../../shared/rubric/rubric.js'
import { listRubrics, type RubricRow, toRubric } from '../db/rubrics.repo.js'
import type { Deps } from '../deps.js'

/** The interviewers of a round (active links) and where each one's rubric stands. */
export async function panelOf(db: Db, room: RoomRow, round: number, rows: RubricRow[]): Promise<RubricsStatusPayload['panel']> {
  const names = await namesByLink(db, room.id)
  const links = (await listLinks(db, room.id)).filter((l) => !l.revokedAt && roleInRound(l.role, round, room.mode) === 'interviewer')
  return links.map((l, i) => {
    const row = rows.find((r) => r.linkId === l.id)
    return {
      linkId: l.id,
      name: row?.interviewerName ?? names.get(l.id) ?? l.label ?? `Interviewer ${i + 1}`,
      status: row?.status ?? 'none',
    }
  })
}

/** Tells the interviewers of a round where the panel stands (after a save, a submit or a revoked panelist). */
export async function notifyPanel(deps: Pick<Deps, 'db' | 'realtime'>, room: RoomRow, round: number): Promise<void> {
  const rows = await listRubrics(deps.db, room.id, round)
  await deps.realtime.toInterviewers(room.id, round, 'rubrics', { round, panel: await panelOf(deps.db, room, round, rows) })
}

/**
 * A round's rubrics as one interviewer may see them: their own, and, only once theirs is
 * submitted, the panel's submitted ones and (when everyone is in) the calibration.
 */
export async function rubricsSeenBy(db: Db, room: RoomRow, round: number, linkId: string) {
  const rows = await listRubrics(db, room.id, round)
  const panel = await panelOf(db, room, round, rows)
  const mine = rows.find((r) => r.linkId === linkId) ?? null
  const submitted = mine?.status === 'submitted'
  const panelRubrics = rows.filter((r) => r.status === 'submitted' && panel.some((p) => p.linkId === r.linkId)).map(toRubric)
  const everyone = panel.length > 0 && panel.every((p) => p.status === 'submitted')
  return {
    panel,
    mine: mine ? toRubric(mine) : null,
    others: submitted ? panelRubrics.filter((r) => r.linkId !== linkId) : [],
    calibration: submitted && everyone ? calibrate(panelRubrics, room.kit.steps.map((s) => s.key)) : null,
  }
}

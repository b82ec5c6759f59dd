import { RECOMMENDATION_LABELS, SCORE_LABELS, type Score } from '../rubric/rubric.js'
import { clockText } from '../timer/elapsed.js'
import type { Report } from './report.js'

const scoreLabel = (s: Score | null | undefined) => (s == null ? '—' : typeof s === 'number' ? `${s} ${SCORE_LABELS[s]}` : SCORE_LABELS[s])
const quote = (text: string) => (text.trim() === '' ? '_(nothing written)_' : text.trim())
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** The report as Markdown: readable as text, and fine to paste into a doc or a ticket. */
export function reportMarkdown(r: Report): string {
  const out: string[] = []
  out.push(`# ${r.room.title}`, '')
  out.push(`- **Level:** ${r.room.level} · **Mode:** ${r.room.mode} · **Round:** ${r.round}`)
  out.push(`- **Kit:** ${r.kit.title} (v${r.kit.version})`)
  if (r.question) out.push(`- **Question:** ${r.question.title}`)
  out.push(`- **Time:** ${clockText(r.timer.totalUsedMs)} used of ${clockText(r.timer.totalPlannedMs)} planned (${r.timer.status})`, '')
  if (r.question) out.push('## Question', '', r.question.prompt, '')

  out.push('## Time per step', '', '| Step | Planned | Used | Over |', '|---|---:|---:|---:|')
  for (const s of r.steps) {
    const over = s.usedMs - s.plannedMs
    out.push(`| ${cell(s.title)} | ${clockText(s.plannedMs)} | ${clockText(s.usedMs)} | ${over > 0 ? `+${clockText(over)}` : ''} |`)
  }
  out.push('')

  out.push('## Notes', '')
  for (const s of r.steps) {
    out.push(`### ${s.title}`, '', quote(s.notes), '')
    if (s.privateNotes !== undefined && s.privateNotes.trim() !== '') out.push('_Private notes:_', '', s.privateNotes.trim(), '')
  }

  out.push('## Canvas', '', `${r.canvas.nodes} parts, ${r.canvas.edges} connections.`, '')
  if (r.canvas.nodes > 0) out.push(`![Canvas](data:image/svg+xml;base64,${base64(r.canvas.svg)})`, '')

  if (r.rubrics.view === 'candidate') {
    const f = r.rubrics.feedback
    out.push('## Feedback', '')
    if (!f) out.push('_No feedback has been shared yet._', '')
    else {
      out.push(`From ${f.interviewerName}.`, '', '| Step | Score |', '|---|---|')
      for (const s of r.steps) out.push(`| ${cell(s.title)} | ${scoreLabel(f.steps[s.key]?.score)} |`)
      out.push('', `**Recommendation:** ${f.recommendation ? RECOMMENDATION_LABELS[f.recommendation] : '—'} · **Level shown:** ${f.level ?? '—'}`, '', quote(f.feedback), '')
    }
  } else {
    const rubrics = [r.rubrics.mine, ...r.rubrics.others].filter((x) => x !== null)
    out.push('## Rubrics', '')
    if (rubrics.length === 0) out.push('_No rubric yet._', '')
    for (const rb of rubrics) {
      out.push(`### ${rb.interviewerName} (${rb.status})`, '', '| Step | Score | Evidence |', '|---|---|---|')
      for (const s of r.steps) out.push(`| ${cell(s.title)} | ${scoreLabel(rb.steps[s.key]?.score)} | ${cell(rb.steps[s.key]?.evidence ?? '')} |`)
      out.push('', `**Recommendation:** ${rb.recommendation ? RECOMMENDATION_LABELS[rb.recommendation] : '—'} · **Level shown:** ${rb.level ?? '—'}`, '')
      if (rb.feedback.trim()) out.push('**Feedback for the candidate:**', '', rb.feedback.trim(), '')
    }
    if (r.rubrics.calibration) {
      out.push('### Calibration', '', '| Step | Scores | Spread |', '|---|---|---:|')
      for (const row of r.rubrics.calibration) {
        const title = r.steps.find((s) => s.key === row.stepKey)?.title ?? row.stepKey
        out.push(`| ${cell(title)} | ${row.scores.map((s) => `${cell(s.interviewerName)}: ${scoreLabel(s.score)}`).join(', ')} | ${row.spread ?? '—'} |`)
      }
      out.push('')
    }
  }
  return out.join('\n')
}

/** Base64 of UTF-8 text, without Node's Buffer (shared/ runs in the browser too). */
function base64(text: string): string {
  const bytes = new TextEncoder().encode(text)
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary)
}

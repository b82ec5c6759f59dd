import { describe, expect, it } from 'vitest'
import { viewTimer } from '../../../../shared/timer/view.js'
import { alertText, crossedAlerts, tabTitle } from './step-alerts.js'

const r = (stepRemainingMs: number, stepIndex = 2, status: 'running' | 'paused' | 'idle' | 'ended' = 'running', plannedMs = 7 * 60_000) => ({
  stepIndex,
  stepRemainingMs,
  stepUsedMs: plannedMs - stepRemainingMs,
  status,
})

describe('step alerts', () => {
  it('two minutes before the end of a step, and when its time is up, once each', () => {
    expect(crossedAlerts(r(121_000), r(119_000))).toEqual([{ kind: 'soon', stepIndex: 2 }])
    expect(crossedAlerts(r(119_000), r(118_000))).toEqual([])
    expect(crossedAlerts(r(500), r(-200))).toEqual([{ kind: 'up', stepIndex: 2 }])
    expect(crossedAlerts(r(-200), r(-1200))).toEqual([])
  })

  it('both at once after a jump (a sleeping laptop), none on the first reading, a step change, a pause or an extension', () => {
    expect(crossedAlerts(r(130_000), r(-5_000))).toEqual([
      { kind: 'up', stepIndex: 2 },
    ])
    expect(crossedAlerts(null, r(0))).toEqual([])
    expect(crossedAlerts(r(121_000, 2), r(119_000, 3))).toEqual([])
    expect(crossedAlerts(r(121_000), r(119_000, 2, 'paused'))).toEqual([])
    expect(crossedAlerts(r(60_000), r(360_000))).toEqual([])
  })

  it('a step of two minutes or less gets no two-minute warning', () => {
    expect(crossedAlerts(r(121_000, 0, 'running', 120_000), r(119_000, 0, 'running', 120_000))).toEqual([])
  })

  it('says which step, and the tab shows the clock while the interview runs', () => {
    expect(alertText({ kind: 'soon', stepIndex: 2 }, 'Data preparation')).toBe('2 minutes left · Data preparation')
    expect(alertText({ kind: 'up', stepIndex: 2 }, 'Data preparation')).toBe('Time is up · Data preparation')
    const state = { version: 1, status: 'running' as const, stepIndex: 0, steps: [{ key: 'data', plannedMs: 60_000, usedMs: 60_000 }], runningSince: null, startedAt: 1, endedAt: null }
    expect(tabTitle(viewTimer(state, 0), 'running', 'Data preparation', 'Loop 1')).toBe('0:00 · Data preparation · Stepwise')
    expect(tabTitle(viewTimer({ ...state, status: 'paused' }, 0), 'paused', 'Data preparation', 'Loop 1')).toBe('0:00 (paused) · Data preparation · Stepwise')
    expect(tabTitle(viewTimer({ ...state, status: 'idle' }, 0), 'idle', 'Data preparation', 'Loop 1')).toBe('Loop 1 · Stepwise')
  })
})

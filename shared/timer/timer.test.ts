import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { AppError } from '../errors.js'
import { TimerCommand, TimerState, initialTimer, reduceTimer, viewTimer } from './timer.js'
import { stepStanding } from './view.js'

const MIN = 60_000

const KIT = [
  { key: 'clarify', minutes: 5 },
  { key: 'metrics', minutes: 5 },
  { key: 'data', minutes: 10 },
  { key: 'model', minutes: 15 },
]

/** Freezes every nested object, so any mutation by the reducer throws (ES modules are strict). */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

/** Applies a command to a deep-frozen copy of `state`, so every test also checks purity. */
function apply(state: TimerState, command: TimerCommand, now: number): TimerState {
  return reduceTimer(deepFreeze(structuredClone(state)), command, now)
}

/** Asserts the command is refused with AppError('invalid') and leaves its (frozen) input as it was. */
function expectInvalid(state: TimerState, command: TimerCommand, now: number): void {
  const frozen = deepFreeze(structuredClone(state))
  const before = structuredClone(frozen)
  let thrown: unknown
  try {
    reduceTimer(frozen, command, now)
  } catch (e) {
    thrown = e
  }
  expect(thrown, `${JSON.stringify(command)} should be refused`).toBeInstanceOf(AppError)
  expect((thrown as AppError).code).toBe('invalid')
  expect(frozen).toEqual(before)
}

/** Runs commands in order, each at its own time. */
function run(commands: ReadonlyArray<readonly [TimerCommand, number]>, state = initialTimer(KIT)): TimerState {
  return commands.reduce((s, [command, now]) => apply(s, command, now), state)
}

const used = (state: TimerState) => state.steps.map((s) => s.usedMs)

const ALL_COMMANDS: TimerCommand[] = [
  { type: 'start' },
  { type: 'start', step: 1 },
  { type: 'pause' },
  { type: 'resume' },
  { type: 'next' },
  { type: 'prev' },
  { type: 'goto', step: 'data' },
  { type: 'goto', step: 0 },
  { type: 'extend', minutes: 5 },
  { type: 'extend', minutes: -1, step: 'model' },
  { type: 'end' },
]

describe('initialTimer', () => {
  it('an initial timer is idle at step 0 with the planned minutes and nothing used', () => {
    const state = initialTimer(KIT)
    expect(state).toEqual({
      version: 0,
      status: 'idle',
      stepIndex: 0,
      steps: [
        { key: 'clarify', plannedMs: 5 * MIN, usedMs: 0 },
        { key: 'metrics', plannedMs: 5 * MIN, usedMs: 0 },
        { key: 'data', plannedMs: 10 * MIN, usedMs: 0 },
        { key: 'model', plannedMs: 15 * MIN, usedMs: 0 },
      ],
      runningSince: null,
      startedAt: null,
      endedAt: null,
    })
    expect(TimerState.safeParse(state).success).toBe(true)
  })
})

describe('start', () => {
  it('starting an idle timer runs step 0 from now', () => {
    const state = apply(initialTimer(KIT), { type: 'start' }, 1_000)
    expect(state).toMatchObject({ version: 1, status: 'running', stepIndex: 0, runningSince: 1_000, startedAt: 1_000, endedAt: null })
    expect(used(state)).toEqual([0, 0, 0, 0])
  })

  it('a timer can start at a step given by index', () => {
    const state = apply(initialTimer(KIT), { type: 'start', step: 2 }, 1_000)
    expect(state).toMatchObject({ status: 'running', stepIndex: 2, runningSince: 1_000, startedAt: 1_000 })
  })

  it('a timer can start at a step given by key', () => {
    const state = apply(initialTimer(KIT), { type: 'start', step: 'model' }, 1_000)
    expect(state).toMatchObject({ status: 'running', stepIndex: 3, runningSince: 1_000 })
  })

  it('starting at an unknown step key or an out-of-range index is invalid', () => {
    for (const step of ['nope', -1, 4, 99]) expectInvalid(initialTimer(KIT), { type: 'start', step }, 1_000)
  })

  it('starting a timer that has already started is invalid', () => {
    const running = run([[{ type: 'start' }, 0]])
    expectInvalid(running, { type: 'start' }, 10)
    expectInvalid(apply(running, { type: 'pause' }, 10), { type: 'start' }, 20)
  })
})

describe('pause and resume', () => {
  it('pausing folds the running stretch into the current step', () => {
    const paused = run([
      [{ type: 'start' }, 1_000],
      [{ type: 'pause' }, 4_000],
    ])
    expect(paused).toMatchObject({ status: 'paused', runningSince: null, version: 2 })
    expect(used(paused)).toEqual([3_000, 0, 0, 0])
  })

  it('pause and resume accumulate used time exactly, never counting the paused time', () => {
    const state = run([
      [{ type: 'start' }, 1_000],
      [{ type: 'pause' }, 4_000], // +3_000
      [{ type: 'resume' }, 10_000],
      [{ type: 'pause' }, 12_500], // +2_500
      [{ type: 'resume' }, 60_000],
      [{ type: 'pause' }, 60_001], // +1
    ])
    expect(used(state)).toEqual([5_501, 0, 0, 0])
    expect(state.version).toBe(6)
  })

  it('resuming restarts the running stretch at now', () => {
    const state = run([
      [{ type: 'start' }, 0],
      [{ type: 'pause' }, 100],
      [{ type: 'resume' }, 5_000],
    ])
    expect(state).toMatchObject({ status: 'running', runningSince: 5_000 })
    expect(used(state)).toEqual([100, 0, 0, 0])
  })

  it('pausing a paused timer is invalid', () => {
    expectInvalid(run([[{ type: 'start' }, 0], [{ type: 'pause' }, 1]]), { type: 'pause' }, 2)
  })

  it('resuming a running timer is invalid', () => {
    expectInvalid(run([[{ type: 'start' }, 0]]), { type: 'resume' }, 1)
  })

  it('pausing or resuming an idle timer is invalid', () => {
    expectInvalid(initialTimer(KIT), { type: 'pause' }, 0)
    expectInvalid(initialTimer(KIT), { type: 'resume' }, 0)
  })
})

describe('next and prev', () => {
  it('next settles the step being left and starts the next one at now', () => {
    const state = run([
      [{ type: 'start' }, 1_000],
      [{ type: 'next' }, 8_000],
    ])
    expect(state).toMatchObject({ status: 'running', stepIndex: 1, runningSince: 8_000, version: 2 })
    expect(used(state)).toEqual([7_000, 0, 0, 0])
  })

  it('prev settles the step being left and the earlier step keeps accumulating on top of its used time', () => {
    const state = run([
      [{ type: 'start' }, 0],
      [{ type: 'next' }, 1_000], // step 0: 1_000
      [{ type: 'prev' }, 3_000], // step 1: 2_000
      [{ type: 'pause' }, 3_500], // step 0: +500
    ])
    expect(state.stepIndex).toBe(0)
    expect(used(state)).toEqual([1_500, 2_000, 0, 0])
  })

  it('moving while paused stays paused and counts no time', () => {
    const state = run([
      [{ type: 'start' }, 0],
      [{ type: 'pause' }, 1_000],
      [{ type: 'next' }, 50_000],
    ])
    expect(state).toMatchObject({ status: 'paused', stepIndex: 1, runningSince: null })
    expect(used(state)).toEqual([1_000, 0, 0, 0])
    expect(viewTimer(state, 90_000).totalUsedMs).toBe(1_000)
  })

  it('next at the last step is invalid', () => {
    expectInvalid(run([[{ type: 'start', step: 'model' }, 0]]), { type: 'next' }, 1)
  })

  it('prev at the first step is invalid', () => {
    expectInvalid(run([[{ type: 'start' }, 0]]), { type: 'prev' }, 1)
  })

  it('next or prev before the timer starts is invalid', () => {
    expectInvalid(initialTimer(KIT), { type: 'next' }, 0)
    expectInvalid(initialTimer(KIT), { type: 'prev' }, 0)
  })
})

describe('goto', () => {
  it('goto by key settles the step being left and starts the target at now', () => {
    const state = run([
      [{ type: 'start' }, 0],
      [{ type: 'goto', step: 'model' }, 4_000],
    ])
    expect(state).toMatchObject({ status: 'running', stepIndex: 3, runningSince: 4_000, version: 2 })
    expect(used(state)).toEqual([4_000, 0, 0, 0])
  })

  it('goto by index moves to that step', () => {
    const state = run([
      [{ type: 'start', step: 3 }, 0],
      [{ type: 'goto', step: 1 }, 2_000],
    ])
    expect(state).toMatchObject({ stepIndex: 1, runningSince: 2_000 })
    expect(used(state)).toEqual([0, 0, 0, 2_000])
  })

  it('goto an unknown key, an out-of-range index or the current step is invalid', () => {
    const running = run([[{ type: 'start' }, 0]])
    for (const step of ['nope', -1, 4, 0, 'clarify']) expectInvalid(running, { type: 'goto', step }, 1)
  })
})

describe('extend', () => {
  it('extend adds minutes to the current step', () => {
    const state = run([
      [{ type: 'start', step: 'data' }, 0],
      [{ type: 'extend', minutes: 3 }, 1_000],
    ])
    expect(state.steps.map((s) => s.plannedMs)).toEqual([5 * MIN, 5 * MIN, 13 * MIN, 15 * MIN])
    expect(state.version).toBe(2)
  })

  it('extend adds minutes to a step named by key or index and leaves the others alone', () => {
    const state = run([
      [{ type: 'start' }, 0],
      [{ type: 'extend', minutes: 2, step: 'model' }, 1_000],
      [{ type: 'extend', minutes: -1, step: 1 }, 2_000],
    ])
    expect(state.steps.map((s) => s.plannedMs)).toEqual([5 * MIN, 4 * MIN, 10 * MIN, 17 * MIN])
    expect(state.stepIndex).toBe(0)
  })

  it('extend never shortens a step below 1 minute', () => {
    const state = run([[{ type: 'extend', minutes: -120, step: 'clarify' }, 0]])
    expect(state.steps[0]!.plannedMs).toBe(MIN)
    const again = apply(state, { type: 'extend', minutes: -1, step: 'clarify' }, 0)
    expect(again.steps[0]!.plannedMs).toBe(MIN)
    expect(again.version).toBe(2)
  })

  it('extending a running step keeps its running time exact', () => {
    const state = run([
      [{ type: 'start' }, 0],
      [{ type: 'extend', minutes: 1 }, 3_000],
      [{ type: 'pause' }, 5_000],
    ])
    expect(used(state)).toEqual([5_000, 0, 0, 0])
  })

  it('extending an unknown step is invalid', () => {
    const running = run([[{ type: 'start' }, 0]])
    for (const step of ['nope', -1, 4]) expectInvalid(running, { type: 'extend', minutes: 1, step }, 1)
  })

  it('an extend of zero minutes or more than two hours is not a valid command', () => {
    expect(TimerCommand.safeParse({ type: 'extend', minutes: 0 }).success).toBe(false)
    expect(TimerCommand.safeParse({ type: 'extend', minutes: 121 }).success).toBe(false)
    expect(TimerCommand.safeParse({ type: 'extend', minutes: -121 }).success).toBe(false)
    expect(TimerCommand.safeParse({ type: 'extend', minutes: 1.5 }).success).toBe(false)
    expect(TimerCommand.safeParse({ type: 'extend', minutes: -120, step: 'data' }).success).toBe(true)
  })
})

describe('end', () => {
  it('ending a running timer settles the current step and sets endedAt', () => {
    const state = run([
      [{ type: 'start' }, 1_000],
      [{ type: 'next' }, 2_000],
      [{ type: 'end' }, 9_000],
    ])
    expect(state).toMatchObject({ status: 'ended', runningSince: null, startedAt: 1_000, endedAt: 9_000, version: 3 })
    expect(used(state)).toEqual([1_000, 7_000, 0, 0])
  })

  it('ending a paused timer counts nothing after the pause', () => {
    const state = run([
      [{ type: 'start' }, 0],
      [{ type: 'pause' }, 1_000],
      [{ type: 'end' }, 9_000],
    ])
    expect(state).toMatchObject({ status: 'ended', endedAt: 9_000 })
    expect(used(state)).toEqual([1_000, 0, 0, 0])
  })

  it('every command after end is invalid, including a second end', () => {
    const ended = run([
      [{ type: 'start' }, 0],
      [{ type: 'end' }, 1_000],
    ])
    for (const command of ALL_COMMANDS) expectInvalid(ended, command, 2_000)
  })
})

describe('version', () => {
  it('every accepted command bumps the version by exactly one', () => {
    const script: Array<[TimerCommand, number]> = [
      [{ type: 'extend', minutes: 1 }, 0],
      [{ type: 'start' }, 0],
      [{ type: 'pause' }, 1],
      [{ type: 'resume' }, 2],
      [{ type: 'next' }, 3],
      [{ type: 'prev' }, 4],
      [{ type: 'goto', step: 'model' }, 5],
      [{ type: 'goto', step: 0 }, 6],
      [{ type: 'extend', minutes: -2, step: 'data' }, 7],
      [{ type: 'end' }, 8],
    ]
    let state = initialTimer(KIT)
    for (const [command, now] of script) {
      const next = apply(state, command, now)
      expect(next.version, command.type).toBe(state.version + 1)
      state = next
    }
    expect(state.version).toBe(script.length)
  })

  it('a refused command leaves the version where it was', () => {
    const state = initialTimer(KIT)
    expectInvalid(state, { type: 'pause' }, 0)
    expect(state.version).toBe(0)
  })
})

describe('viewTimer', () => {
  it('an idle timer shows the full plan and nothing used', () => {
    expect(viewTimer(deepFreeze(initialTimer(KIT)), 123_456)).toEqual({
      stepIndex: 0,
      stepKey: 'clarify',
      stepUsedMs: 0,
      stepRemainingMs: 5 * MIN,
      stepOverrunMs: 0,
      totalPlannedMs: 35 * MIN,
      totalUsedMs: 0,
      totalRemainingMs: 35 * MIN,
    })
  })

  it('while running, remaining time shrinks with now and totals include the live stretch', () => {
    const state = deepFreeze(
      run([
        [{ type: 'start' }, 0],
        [{ type: 'next' }, 2 * MIN],
      ]),
    )
    expect(viewTimer(state, 3 * MIN)).toEqual({
      stepIndex: 1,
      stepKey: 'metrics',
      stepUsedMs: 1 * MIN,
      stepRemainingMs: 4 * MIN,
      stepOverrunMs: 0,
      totalPlannedMs: 35 * MIN,
      totalUsedMs: 3 * MIN,
      totalRemainingMs: 32 * MIN,
    })
    expect(viewTimer(state, 4 * MIN).stepRemainingMs).toBe(3 * MIN)
  })

  it('past its plan, a running step shows negative remaining time and a positive overrun', () => {
    const state = deepFreeze(run([[{ type: 'start' }, 0]]))
    const view = viewTimer(state, 7 * MIN)
    expect(view.stepRemainingMs).toBe(-2 * MIN)
    expect(view.stepOverrunMs).toBe(2 * MIN)
    expect(view.totalRemainingMs).toBe(28 * MIN)
  })

  it('while paused, the view does not change as time passes', () => {
    const state = deepFreeze(
      run([
        [{ type: 'start' }, 0],
        [{ type: 'pause' }, 6 * MIN],
      ]),
    )
    const soon = viewTimer(state, 6 * MIN)
    expect(viewTimer(state, 60 * MIN)).toEqual(soon)
    expect(soon).toMatchObject({ stepUsedMs: 6 * MIN, stepRemainingMs: -1 * MIN, stepOverrunMs: 1 * MIN, totalUsedMs: 6 * MIN })
  })

  it('a view at a time before the running stretch began never shows negative used time', () => {
    const state = deepFreeze(run([[{ type: 'start' }, 10_000]]))
    expect(viewTimer(state, 5_000)).toMatchObject({ stepUsedMs: 0, totalUsedMs: 0, stepRemainingMs: 5 * MIN })
  })

  it('viewing is pure and does not advance the stored state', () => {
    const state = deepFreeze(run([[{ type: 'start' }, 0]]))
    viewTimer(state, 9_000)
    expect(state.runningSince).toBe(0)
    expect(used(state)).toEqual([0, 0, 0, 0])
  })
})

// ---------------------------------------------------------------------------------------------
// Properties over random command sequences.

const stepRef = fc.oneof(
  fc.integer({ min: -1, max: KIT.length }),
  fc.constantFrom(...KIT.map((s) => s.key), 'nope'),
)

const command: fc.Arbitrary<TimerCommand> = fc.oneof(
  { arbitrary: fc.record({ type: fc.constant('start' as const), step: fc.option(stepRef, { nil: undefined }) }), weight: 5 },
  { arbitrary: fc.constant({ type: 'pause' as const }), weight: 5 },
  { arbitrary: fc.constant({ type: 'resume' as const }), weight: 5 },
  { arbitrary: fc.constant({ type: 'next' as const }), weight: 5 },
  { arbitrary: fc.constant({ type: 'prev' as const }), weight: 5 },
  { arbitrary: fc.record({ type: fc.constant('goto' as const), step: stepRef }), weight: 5 },
  {
    arbitrary: fc.record({
      type: fc.constant('extend' as const),
      minutes: fc.integer({ min: -120, max: 120 }).filter((m) => m !== 0),
      step: fc.option(stepRef, { nil: undefined }),
    }),
    weight: 5,
  },
  // end is rarer, so that most sequences spend a while running and paused before it
  { arbitrary: fc.constant({ type: 'end' as const }), weight: 1 },
)

/** Commands with time deltas; `minDelta < 0` lets the clock step backwards. */
function script(minDelta: number) {
  return fc.record({
    t0: fc.integer({ min: 0, max: 2_000_000_000_000 }),
    startFirst: fc.boolean(),
    steps: fc.array(fc.tuple(command, fc.integer({ min: minDelta, max: 10 * MIN })), { maxLength: 60 }),
  })
}

interface Outcome {
  state: TimerState
  accepted: number
}

/**
 * Runs a script, checking after every command the invariants that hold for any clock.
 * `onAccepted` adds the checks that need more context.
 */
function runScript(
  { t0, startFirst, steps }: { t0: number; startFirst: boolean; steps: Array<[TimerCommand, number]> },
  onAccepted: (before: TimerState, after: TimerState, command: TimerCommand, now: number) => void = () => {},
): Outcome {
  let state = initialTimer(KIT)
  let accepted = 0
  let now = t0
  const all: Array<[TimerCommand, number]> = startFirst ? [[{ type: 'start' }, 0], ...steps] : steps
  for (const [cmd, delta] of all) {
    now += delta
    expect(TimerCommand.safeParse(cmd).success).toBe(true)
    const input = deepFreeze(structuredClone(state))
    const snapshot = structuredClone(input)
    let next: TimerState | undefined
    try {
      next = reduceTimer(input, cmd, now)
    } catch (e) {
      expect(e).toBeInstanceOf(AppError)
      expect((e as AppError).code).toBe('invalid')
    }
    // the input is never mutated, accepted or not
    expect(input).toEqual(snapshot)
    if (state.status === 'ended') expect(next, 'a command after end was accepted').toBeUndefined()
    if (next === undefined) continue
    accepted++
    expect(next.version).toBe(state.version + 1)
    expect(next.version).toBe(accepted)
    expect(TimerState.safeParse(next).success).toBe(true)
    for (const s of next.steps) expect(s.usedMs).toBeGreaterThanOrEqual(0)
    expect(next.runningSince !== null).toBe(next.status === 'running')
    expect(next.stepIndex).toBeLessThan(KIT.length)
    for (const s of next.steps) expect(s.plannedMs).toBeGreaterThanOrEqual(MIN)
    const view = viewTimer(next, now)
    expect(view.totalUsedMs).toBe(next.steps.reduce((sum, s) => sum + s.usedMs, 0))
    onAccepted(state, next, cmd, now)
    state = next
  }
  return { state, accepted }
}

const PROPERTY = { numRuns: 500, seed: 0x57e9 } as const

describe('timer properties', () => {
  it('with a monotonic clock, used time matches a stopwatch and never exceeds the wall time since start', () => {
    fc.assert(
      fc.property(script(0), (s) => {
        // reference model: time between accepted commands goes to the current step iff it was running
        const model = KIT.map(() => 0)
        let lastNow = 0
        runScript(s, (before, after, _cmd, now) => {
          if (before.status === 'running') model[before.stepIndex]! += now - lastNow
          lastNow = now
          expect(used(after)).toEqual(model)
          if (after.startedAt !== null) {
            const total = after.steps.reduce((sum, x) => sum + x.usedMs, 0)
            expect(total).toBeLessThanOrEqual(now - after.startedAt)
            // also when read later on, before the next command
            expect(viewTimer(after, now + 12_345).totalUsedMs).toBeLessThanOrEqual(now + 12_345 - after.startedAt)
          }
        })
      }),
      PROPERTY,
    )
  })

  it('with a clock that can step backwards, used time is never negative and never decreases', () => {
    fc.assert(
      fc.property(script(-5 * MIN), (s) => {
        runScript(s, (before, after, _cmd, now) => {
          after.steps.forEach((step, i) => expect(step.usedMs).toBeGreaterThanOrEqual(before.steps[i]!.usedMs))
          expect(viewTimer(after, now - 10 * MIN).stepUsedMs).toBeGreaterThanOrEqual(0)
        })
      }),
      PROPERTY,
    )
  })

  it('pausing and resuming at the same instant keeps used time unchanged', () => {
    fc.assert(
      fc.property(script(-MIN), (s) => {
        runScript(s, (_before, after, _cmd, now) => {
          if (after.status === 'running') {
            const paused = reduceTimer(deepFreeze(after), { type: 'pause' }, now)
            const resumed = reduceTimer(deepFreeze(paused), { type: 'resume' }, now)
            expect(used(resumed)).toEqual(used(after))
            expect(resumed.runningSince).toBe(now)
            expect(resumed.version).toBe(after.version + 2)
          } else if (after.status === 'paused') {
            const resumed = reduceTimer(deepFreeze(after), { type: 'resume' }, now)
            const paused = reduceTimer(deepFreeze(resumed), { type: 'pause' }, now)
            expect(used(paused)).toEqual(used(after))
          }
        })
      }),
      PROPERTY,
    )
  })

  it('the version equals the number of accepted commands', () => {
    fc.assert(
      fc.property(script(-MIN), (s) => {
        const { state, accepted } = runScript(s)
        expect(state.version).toBe(accepted)
      }),
      PROPERTY,
    )
  })

  it('once ended, every command is refused and the state stays as it was', () => {
    fc.assert(
      fc.property(script(-MIN), fc.array(fc.tuple(command, fc.integer({ min: -MIN, max: MIN })), { minLength: 1, maxLength: 20 }), (s, after) => {
        const { state } = runScript(s)
        const ended = deepFreeze(state.status === 'ended' ? state : reduceTimer(state, { type: 'end' }, 3_000_000_000_000))
        const snapshot = structuredClone(ended)
        for (const [cmd, delta] of after) expectInvalid(ended, cmd, 3_000_000_000_000 + delta)
        expect(ended).toEqual(snapshot)
      }),
      PROPERTY,
    )
  })
})

describe('step standing', () => {
  const at = (status: TimerState['status'], stepIndex: number, used: number[]): TimerState => ({
    version: 1,
    status,
    stepIndex,
    steps: used.map((usedMs, i) => ({ key: `s${i}`, plannedMs: 5 * 60_000, usedMs })),
    runningSince: null,
    startedAt: status === 'idle' ? null : 1,
    endedAt: status === 'ended' ? 2 : null,
  })

  it('a step passed through in seconds is skipped, one worked on is done, the rest are to come', () => {
    const state = at('running', 3, [4 * 60_000, 2_000, 60_000, 10_000, 0])
    expect([0, 1, 2, 3, 4].map((i) => stepStanding(state, i))).toEqual(['done', 'skipped', 'done', 'current', 'upcoming'])
  })

  it('a short step needs a fifth of its plan; before the start nothing is done', () => {
    const short: TimerState = { ...at('running', 1, [25_000, 0]), steps: [{ key: 'a', plannedMs: 120_000, usedMs: 25_000 }, { key: 'b', plannedMs: 120_000, usedMs: 0 }] }
    expect(stepStanding(short, 0)).toBe('done')
    expect(stepStanding(at('idle', 0, [0, 0]), 0)).toBe('current')
    expect(stepStanding(at('idle', 0, [0, 0]), 1)).toBe('upcoming')
  })

  it('once ended, the last step is done or skipped too, and steps never reached are skipped', () => {
    const ended = at('ended', 2, [4 * 60_000, 4 * 60_000, 3_000, 0])
    expect([0, 1, 2, 3].map((i) => stepStanding(ended, i))).toEqual(['done', 'done', 'skipped', 'skipped'])
  })

  it('going back to an earlier step keeps later worked steps done', () => {
    expect(stepStanding(at('running', 0, [10_000, 3 * 60_000, 0]), 1)).toBe('done')
    expect(stepStanding(at('running', 0, [10_000, 3 * 60_000, 0]), 2)).toBe('upcoming')
  })
})

import { z } from 'zod'
import { AppError } from '../errors.js'
import { settle } from './view.js'

export const TimerStatus = z.enum(['idle', 'running', 'paused', 'ended'])
export type TimerStatus = z.infer<typeof TimerStatus>

export const TimerStep = z.object({
  key: z.string(),
  plannedMs: z.number().int().nonnegative(),
  usedMs: z.number().int().nonnegative(),
})
export type TimerStep = z.infer<typeof TimerStep>

export const TimerState = z.object({
  version: z.number().int().nonnegative(),
  status: TimerStatus,
  stepIndex: z.number().int().nonnegative(),
  steps: z.array(TimerStep).min(1),
  /** Server time (ms) at which the current step last started running; null unless running. */
  runningSince: z.number().nullable(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
})
export type TimerState = z.infer<typeof TimerState>

const MAX_EXTEND_MINUTES = 120

export const TimerCommand = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), step: z.union([z.number().int(), z.string()]).optional(), expectedVersion: z.number().int().optional() }),
  z.object({ type: z.literal('pause'), expectedVersion: z.number().int().optional() }),
  z.object({ type: z.literal('resume'), expectedVersion: z.number().int().optional() }),
  z.object({ type: z.literal('next'), expectedVersion: z.number().int().optional() }),
  z.object({ type: z.literal('prev'), expectedVersion: z.number().int().optional() }),
  z.object({ type: z.literal('goto'), step: z.union([z.number().int(), z.string()]), expectedVersion: z.number().int().optional() }),
  z.object({
    type: z.literal('extend'),
    minutes: z.number().int().min(-MAX_EXTEND_MINUTES).max(MAX_EXTEND_MINUTES).refine((m) => m !== 0, 'minutes must not be 0'),
    step: z.union([z.number().int(), z.string()]).optional(),
    expectedVersion: z.number().int().optional(),
  }),
  z.object({ type: z.literal('end'), expectedVersion: z.number().int().optional() }),
])
export type TimerCommand = z.infer<typeof TimerCommand>

/** A fresh, idle timer for a kit's steps. */
export function initialTimer(steps: ReadonlyArray<{ key: string; minutes: number }>): TimerState {
  return {
    version: 0,
    status: 'idle',
    stepIndex: 0,
    steps: steps.map((s) => ({ key: s.key, plannedMs: s.minutes * 60_000, usedMs: 0 })),
    runningSince: null,
    startedAt: null,
    endedAt: null,
  }
}

/**
 * Applies one command at server time `now` and returns the next state (version + 1).
 * Pure: never mutates `state`. Throws `AppError('invalid')` for a command that makes no sense in
 * the current status (pausing a paused timer, moving past the last step, anything once ended).
 */
export function reduceTimer(state: TimerState, command: TimerCommand, now: number): TimerState {
  if (state.status === 'ended') throw new AppError('invalid', 'the interview has ended')
  const settled = settle(state, now)
  switch (command.type) {
    case 'start': {
      if (state.status !== 'idle') throw new AppError('invalid', 'the timer has already started')
      const stepIndex = command.step === undefined ? state.stepIndex : resolveStep(state, command.step)
      return bump({ ...settled, status: 'running', stepIndex, runningSince: now, startedAt: now })
    }
    case 'pause':
      if (state.status !== 'running') throw new AppError('invalid', 'the timer is not running')
      return bump({ ...settled, status: 'paused', runningSince: null })
    case 'resume':
      if (state.status !== 'paused') throw new AppError('invalid', 'the timer is not paused')
      return bump({ ...settled, status: 'running', runningSince: now })
    case 'next':
      if (state.status === 'idle') throw new AppError('invalid', 'start the timer first')
      if (state.stepIndex >= state.steps.length - 1) throw new AppError('invalid', 'already at the last step')
      return bump(moveTo(settled, state.stepIndex + 1, now))
    case 'prev':
      if (state.status === 'idle') throw new AppError('invalid', 'start the timer first')
      if (state.stepIndex === 0) throw new AppError('invalid', 'already at the first step')
      return bump(moveTo(settled, state.stepIndex - 1, now))
    case 'goto': {
      const target = resolveStep(state, command.step)
      if (target === state.stepIndex) throw new AppError('invalid', 'already at that step')
      return bump(moveTo(settled, target, now))
    }
    case 'extend': {
      const target = command.step === undefined ? state.stepIndex : resolveStep(state, command.step)
      const steps = settled.steps.map((s, i) =>
        i === target ? { ...s, plannedMs: Math.max(60_000, s.plannedMs + command.minutes * 60_000) } : s,
      )
      return bump({ ...settled, steps })
    }
    case 'end':
      return bump({ ...settled, status: 'ended', runningSince: null, endedAt: now })
  }
}

function moveTo(state: TimerState, stepIndex: number, now: number): TimerState {
  return { ...state, stepIndex, runningSince: state.status === 'running' ? now : null }
}

function bump(state: TimerState): TimerState {
  return { ...state, version: state.version + 1 }
}

function resolveStep(state: TimerState, step: number | string): number {
  const index = typeof step === 'number' ? step : state.steps.findIndex((s) => s.key === step)
  if (!Number.isInteger(index) || index < 0 || index >= state.steps.length) {
    throw new AppError('invalid', `unknown step ${JSON.stringify(step)}`)
  }
  return index
}

export { type TimerView, viewTimer } from './view.js'

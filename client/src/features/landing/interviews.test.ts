import { describe, expect, it } from 'vitest'
import { forgetInterview, INTERVIEWS_KEY, MAX_INTERVIEWS, readInterviews, rememberInterview, statusOf, type InterviewEntry } from './interviews.js'

const memory = () => {
  const data = new Map<string, string>()
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data }
}
const entry = (over: Partial<InterviewEntry> = {}): Omit<InterviewEntry, 'firstSeenAt'> => ({
  roomId: 'room1',
  title: 'Loop 1',
  role: 'interviewer',
  mode: 'panel',
  token: 'tok-1',
  lastOpenedAt: '2026-12-08T10:00:00.000Z',
  status: 'not started',
  ...over,
})

describe('your interviews', () => {
  it('remembers rooms newest first, and updates one opened again without losing when it was first seen', () => {
    const store = memory()
    rememberInterview(store, entry())
    rememberInterview(store, entry({ roomId: 'room2', token: 'tok-2', lastOpenedAt: '2026-12-08T11:00:00.000Z' }))
    rememberInterview(store, entry({ title: 'Loop 1 (renamed)', status: 'ended', lastOpenedAt: '2026-12-08T12:00:00.000Z' }))
    const all = readInterviews(store)
    expect(all.map((e) => [e.roomId, e.title, e.status])).toEqual([
      ['room1', 'Loop 1 (renamed)', 'ended'],
      ['room2', 'Loop 1', 'not started'],
    ])
    expect(all[0]!.firstSeenAt).toBe('2026-12-08T10:00:00.000Z')
  })

  it('keeps two links of one room apart (a peer who also watched), and a new seat replaces the shared link of the same role', () => {
    const store = memory()
    rememberInterview(store, entry())
    rememberInterview(store, entry({ role: 'observer', token: 'tok-obs' }))
    expect(readInterviews(store)).toHaveLength(2)
    rememberInterview(store, entry({ token: 'tok-own-seat', lastOpenedAt: '2026-12-08T13:00:00.000Z' }))
    expect(readInterviews(store).map((e) => e.token).sort()).toEqual(['tok-obs', 'tok-own-seat'])
  })

  it('forgets one entry only, and keeps at most the newest hundred', () => {
    const store = memory()
    for (let i = 0; i < MAX_INTERVIEWS + 5; i++) rememberInterview(store, entry({ roomId: `r${i}`, token: `t${i}`, lastOpenedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() }))
    expect(readInterviews(store)).toHaveLength(MAX_INTERVIEWS)
    expect(readInterviews(store).at(-1)!.roomId).toBe('r5')
    forgetInterview(store, 'r50', 't50')
    expect(readInterviews(store).some((e) => e.roomId === 'r50')).toBe(false)
    expect(readInterviews(store)).toHaveLength(MAX_INTERVIEWS - 1)
  })

  it('reads nothing from damaged storage, and drops malformed entries', () => {
    const store = memory()
    store.setItem(INTERVIEWS_KEY, '{not json')
    expect(readInterviews(store)).toEqual([])
    store.setItem(INTERVIEWS_KEY, JSON.stringify([{ ...entry(), firstSeenAt: '2026-12-08T10:00:00.000Z' }, { roomId: 'x' }, null, { ...entry(), role: 'admin', firstSeenAt: '2026-12-08T10:00:00.000Z' }]))
    expect(readInterviews(store).map((e) => e.roomId)).toEqual(['room1'])
    const full = { getItem: () => null, setItem: () => { throw new Error('quota') } }
    expect(rememberInterview(full, entry())).toHaveLength(1)
  })

  it('says a room is not started, live or ended from its timer', () => {
    expect(statusOf({ status: 'idle' }, null)).toBe('not started')
    expect(statusOf({ status: 'running' }, null)).toBe('live')
    expect(statusOf({ status: 'paused' }, null)).toBe('live')
    expect(statusOf({ status: 'ended' }, null)).toBe('ended')
    expect(statusOf({ status: 'idle' }, '2026-12-08T10:00:00.000Z')).toBe('ended')
  })
})

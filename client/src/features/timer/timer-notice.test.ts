import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { NOTICE_MS, TimerNotice } from './timer-notice.svelte.js'

describe('the timer notice', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('goes after a few seconds', () => {
    const notice = new TimerNotice()
    notice.show('Someone else changed the timer just now.', 3)
    vi.advanceTimersByTime(NOTICE_MS - 1)
    expect(notice.text).not.toBeNull()
    vi.advanceTimersByTime(1)
    expect(notice.text).toBeNull()
  })

  it('goes at the next timer change, but not at the change that caused it arriving late', () => {
    const notice = new TimerNotice()
    notice.show('conflict', 3)
    notice.seen(3)
    notice.seen(4) // the other person's change, announced after the refusal
    expect(notice.text).toBe('conflict')
    vi.advanceTimersByTime(2000)
    notice.seen(4)
    expect(notice.text).toBe('conflict')
    notice.seen(5)
    expect(notice.text).toBeNull()
  })

  it('a new message restarts its time', () => {
    const notice = new TimerNotice()
    notice.show('first', 1)
    vi.advanceTimersByTime(NOTICE_MS - 100)
    notice.show('second', 1)
    vi.advanceTimersByTime(200)
    expect(notice.text).toBe('second')
  })
})

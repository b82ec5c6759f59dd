/** "just now", "5 minutes ago", "yesterday at 14:05", "3 Dec at 09:30": when something happened, for people. */
export function when(iso: string, now = Date.now()): string {
  const at = new Date(iso)
  const minutes = Math.round((now - at.getTime()) / 60_000)
  if (minutes < 1) return 'just now'
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`
  const time = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
  const today = new Date(now)
  const dayDiff = Math.round((startOfDay(today) - startOfDay(at)) / 86_400_000)
  if (dayDiff === 0) return `today at ${time}`
  if (dayDiff === 1) return `yesterday at ${time}`
  const sameYear = at.getFullYear() === today.getFullYear()
  return `${at.toLocaleDateString(undefined, { day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }) })} at ${time}`
}

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime()
}

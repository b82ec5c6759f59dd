/** What to say when the browser refuses to copy a link (it is left selected in its field). */
export const COPY_BLOCKED = 'The browser blocked copying: the link is selected, press Ctrl+C (⌘C).'

/** Copies a link shown in `field`; when the browser refuses, leaves it selected there to copy by hand. */
export async function copyOrSelect(text: string, field: HTMLInputElement | null | undefined): Promise<boolean> {
  const ok = await copyText(text)
  if (!ok) field?.select()
  return ok
}

/** Copies text; falls back to a hidden textarea where the async clipboard is unavailable (plain http). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    const area = document.createElement('textarea')
    area.value = text
    area.setAttribute('readonly', '')
    area.style.position = 'fixed'
    area.style.opacity = '0'
    document.body.append(area)
    area.select()
    const ok = document.execCommand('copy')
    area.remove()
    return ok
  }
}

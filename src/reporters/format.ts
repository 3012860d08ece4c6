/** How the reports write numbers: sizes in SI units (1 MB = 1,000,000 bytes), times in ms or s. */

/** A size in B, kB or MB (SI), with a sign when `signed`: `+1.2 MB`, `−340 kB`, `512 B`. */
export function formatBytes(bytes: number, signed = false): string {
  const sign = signed ? (bytes < 0 ? '−' : '+') : bytes < 0 ? '−' : ''
  const size = Math.abs(bytes)
  if (size >= 1e6) return `${sign}${(size / 1e6).toFixed(1)} MB`
  if (size >= 1e3) return `${sign}${(size / 1e3).toFixed(1)} kB`
  return `${sign}${Math.round(size)} B`
}

/** A duration: `0.4 ms`, `12 ms`, `1.23 s`. */
export function formatDuration(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`
  if (ms >= 10) return `${Math.round(ms)} ms`
  return `${ms.toFixed(1)} ms`
}

/** `1 test`, `2 tests`, `1 process`, `3 processes`, `2 entries`. */
export function plural(count: number, noun: string): string {
  if (count === 1) return `${count} ${noun}`
  if (noun.endsWith('s')) return `${count} ${noun}es`
  if (/[^aeiou]y$/.test(noun)) return `${count} ${noun.slice(0, -1)}ies`
  return `${count} ${noun}s`
}

/** `text` cut to `width` characters, its middle replaced by `…` (the ends say the most). */
export function truncateMiddle(text: string, width: number): string {
  const chars = Array.from(text)
  if (chars.length <= width) return text
  const head = Math.ceil((width - 1) / 2)
  const tail = width - 1 - head
  return `${chars.slice(0, head).join('')}…${tail > 0 ? chars.slice(-tail).join('') : ''}`
}

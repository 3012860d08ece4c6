/**
 * Bytes per unit. Decimal units are SI (`MB` = 1,000,000 bytes), binary units IEC (`MiB` =
 * 1,048,576 bytes), as `df -H` and `df -h` read them; units are case-insensitive.
 */
const units: ReadonlyMap<string, number> = new Map([
  ['', 1],
  ['b', 1],
  ['kb', 1e3],
  ['mb', 1e6],
  ['gb', 1e9],
  ['tb', 1e12],
  ['kib', 2 ** 10],
  ['mib', 2 ** 20],
  ['gib', 2 ** 30],
  ['tib', 2 ** 40],
])

const sizePattern = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/i

/** How a size may be written, for error messages. */
export const sizeHint =
  'Units: B, KB, MB, GB, TB (powers of 1000) and KiB, MiB, GiB, TiB (powers of 1024).'

/**
 * Reads a size written as `100MB`, `100 MB`, `1.5GB`, `512KiB`, or a number of bytes
 * (`1048576`, `1048576B`), in whole bytes; `undefined` when `text` is not such a size.
 */
export function parseSizeText(text: string): number | undefined {
  const match = sizePattern.exec(text.trim())
  const factor = units.get(match?.[2]?.toLowerCase() ?? 'none')
  if (match === null || factor === undefined) return undefined
  return Math.round(Number(match[1]) * factor)
}

/** A byte count as megabytes (SI, 1 MB = 1,000,000 bytes) with one decimal: `412.3 MB`. */
export function formatMegabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`
}

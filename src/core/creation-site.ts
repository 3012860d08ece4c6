import { fileURLToPath } from 'node:url'
import { relative, sep } from 'node:path'

/**
 * A captured stack, kept unformatted: V8 formats it only if `.stack` is ever read, so
 * capturing costs a few hundred nanoseconds and formatting is paid only when a site is shown.
 */
export type CreationSite = Error

const captureLimit = 12
const framePattern = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\)?\s*$/

/**
 * Captures where the caller's caller is. Frames inside cleanroom itself are skipped when the
 * site is formatted, so the site points at the user's code.
 */
export function captureCreationSite(): CreationSite {
  const holder = {} as Error
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = captureLimit
  Error.captureStackTrace(holder, captureCreationSite)
  Error.stackTraceLimit = limit
  return holder
}

/** The directory cleanroom's own code runs from: `dist/` when built, `src/` in development. */
const ownRoot: string | undefined = findOwnRoot()

function findOwnRoot(): string | undefined {
  const file = frameFile(new Error().stack?.split('\n')[1] ?? '')
  if (file === undefined) return undefined
  for (const marker of [`${sep}dist${sep}`, `${sep}src${sep}`]) {
    const at = file.lastIndexOf(marker)
    if (at !== -1) return file.slice(0, at + marker.length)
  }
  return undefined
}

function frameFile(frame: string): string | undefined {
  const match = framePattern.exec(frame)
  if (match?.[1] === undefined) return undefined
  const file = match[1]
  return file.startsWith('file://') ? fileURLToPath(file) : file
}

/** Whether a stack frame's file belongs to the user, not to Node or to cleanroom. */
function isUserFrame(file: string): boolean {
  if (file.startsWith('node:') || !file.includes(sep)) return false
  return ownRoot === undefined || !file.startsWith(ownRoot)
}

const formatted = new WeakMap<CreationSite, string | undefined>()

/**
 * The first frame of the site in user code, as `path:line:column`, relative to the working
 * directory when it is inside it. `undefined` when no frame qualifies.
 */
export function formatCreationSite(site: CreationSite | undefined): string | undefined {
  if (site === undefined) return undefined
  if (formatted.has(site)) return formatted.get(site)
  let result: string | undefined
  for (const frame of (site.stack ?? '').split('\n').slice(1)) {
    const match = framePattern.exec(frame)
    if (match?.[1] === undefined) continue
    const file = frameFile(frame)
    if (file === undefined || !isUserFrame(file)) continue
    result = `${displayPath(file)}:${match[2]}:${match[3]}`
    break
  }
  formatted.set(site, result)
  return result
}

function displayPath(file: string): string {
  const fromCwd = relative(process.cwd(), file)
  return fromCwd.startsWith('..') ? file : fromCwd
}

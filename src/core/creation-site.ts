import { fileURLToPath } from 'node:url'
import { relative, sep } from 'node:path'

/**
 * A captured stack, kept unformatted: V8 formats it only if `.stack` is ever read, so
 * capturing costs about 2 µs (mostly V8's fixed cost of a stack walk) and formatting, about
 * 15 µs, is paid only when a site is shown.
 */
export type CreationSite = Error

/**
 * Frames kept per site: one, the caller of the public function that was marked. A V8 stack
 * walk has a fixed cost of about 2 µs on a small machine, and each kept frame adds to it and to
 * the memory every tracked entry holds. A helper that calls a marked function on the user's
 * behalf (`track()` calling `scope.track()`) must therefore capture with itself as the marker,
 * or the one frame kept is its own and the site is unknown.
 */
const captureLimit = 1
export const framePattern: RegExp = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\)?\s*$/

/**
 * Captures where `api` (a public function or method of cleanroom) was called from: frames of
 * `api` and of everything it called are left out, so the first frame is the caller's. A
 * helper that calls `api` on the user's behalf (`track()` calling `scope.track()`) passes
 * itself instead, or its frames are skipped when the site is formatted.
 */
export function captureCreationSite(api: object, frames: number = captureLimit): CreationSite {
  const holder = {} as Error
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = frames
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- V8 takes any function
  Error.captureStackTrace(holder, api as Function)
  Error.stackTraceLimit = limit
  return holder
}

/**
 * The directory cleanroom's own code runs from (`dist/` when built, `src/` in development),
 * found on the first format: reading a stack at load time would cost every test file that
 * loads cleanroom (under Jest, each one) a formatted stack.
 */
let ownRoot: string | undefined | null = null

function findOwnRoot(): string | undefined {
  const file = frameFile(new Error().stack?.split('\n')[1] ?? '')
  if (file === undefined) return undefined
  for (const marker of [`${sep}dist${sep}`, `${sep}src${sep}`]) {
    const at = file.lastIndexOf(marker)
    if (at !== -1) return file.slice(0, at + marker.length)
  }
  return undefined
}

export function frameFile(frame: string): string | undefined {
  const match = framePattern.exec(frame)
  if (match?.[1] === undefined) return undefined
  const file = match[1]
  return file.startsWith('file://') ? fileURLToPath(file) : file
}

/** Whether a stack frame's file belongs to the user, not to Node or to cleanroom. */
export function isUserFrame(file: string): boolean {
  if (file.startsWith('node:') || !file.includes(sep)) return false
  if (ownRoot === null) ownRoot = findOwnRoot()
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

export function displayPath(file: string): string {
  const fromCwd = relative(process.cwd(), file)
  return fromCwd.startsWith('..') ? file : fromCwd
}

import { displayPath, framePattern, frameFile, isUserFrame } from '../core/creation-site.ts'

/** Where a leaked resource was created: the first frame of user code, and the test file's. */
export interface LeakSite {
  /** The first frame outside Node, `node_modules` and cleanroom, as `file:line:column`. */
  readonly created: string | undefined
  /** The first frame in the test file, when the resource was created elsewhere (a helper). */
  readonly from: string | undefined
}

/**
 * Reads a stack kept unformatted (an `Error` captured where the resource was created) into the
 * frames a leak message shows. `testFile` is the running test file, as a path from the cwd.
 */
export function leakSite(stack: Error, testFile: string | undefined): LeakSite {
  let created: string | undefined
  let fallback: string | undefined
  let from: string | undefined
  for (const frame of (stack.stack ?? '').split('\n').slice(1)) {
    const match = framePattern.exec(frame)
    const file = frameFile(frame)
    if (match === null || file === undefined || !isUserFrame(file)) continue
    const where = `${displayPath(file)}:${match[2] ?? ''}:${match[3] ?? ''}`
    if (isDependency(file)) fallback ??= where
    else created ??= where
    if (testFile !== undefined && displayPath(file) === testFile) {
      from = where
      break
    }
  }
  created ??= fallback
  return { created, from: from === created ? undefined : from }
}

/** Whether the stack has a frame of code outside Node, `node_modules` and cleanroom. */
export function hasOwnFrame(stack: Error): boolean {
  for (const frame of (stack.stack ?? '').split('\n').slice(1)) {
    const file = frameFile(frame)
    if (file !== undefined && isUserFrame(file) && !isDependency(file)) return true
  }
  return false
}

function isDependency(file: string): boolean {
  return file.includes('/node_modules/') || file.includes('\\node_modules\\')
}

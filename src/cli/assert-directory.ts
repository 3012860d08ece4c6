import { statSync } from 'node:fs'
import { UsageError } from './usage-error.ts'

/**
 * Checks, before anything runs, that a file named on the command line can be written: its
 * directory exists.
 *
 * @param dir - the directory of the file
 * @param flag - the flag that named the file, as the message names it
 * @throws {@link UsageError} when `dir` is not a directory
 */
export function assertDirectory(dir: string, flag: string): void {
  let isDirectory = false
  try {
    isDirectory = statSync(dir).isDirectory()
  } catch {
    // Reported below.
  }
  if (!isDirectory) {
    throw new UsageError(`${flag}: the directory ${dir} does not exist. Create it first.`)
  }
}

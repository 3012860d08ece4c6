import { chmodSync, mkdtempSync, realpathSync, rmdirSync } from 'node:fs'
import { lstat, readlink, realpath, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { currentScopeFor, trackFor } from '../core/current-scope.ts'
import { UnsafeTempDirError } from '../core/errors.ts'
import { processSingleton } from '../core/process-singleton.ts'
import type { Scope } from '../core/scope-types.ts'
import { assertKnownKeys, assertPlainObject, describeValue } from '../core/validate.ts'
import { assertOptionalScope } from './assert-scope.ts'

/** Options of {@link createTempDir}. */
export interface TempDirOptions {
  /**
   * The start of the directory's name; six random characters follow. Default `'cleanroom-'`.
   * A name, not a path: no `/` or `\`.
   */
  prefix?: string
  /** The scope to track the directory in. Default: the current scope (the running test's). */
  scope?: Scope
}

const call = 'createTempDir'
const optionKeys = ['prefix', 'scope'] as const

/**
 * Every directory `createTempDir()` made in this process and has not removed yet, shared by
 * every copy of cleanroom loaded in it: teardown removes a path only if it is one of these.
 */
const createdDirs: Set<string> = processSingleton('tempDirs', () => new Set<string>())

/**
 * Creates a fresh directory under the OS temp dir (`mkdtemp`, mode `0700`), tracked in the
 * current scope: when the test (or fixture, or file) ends, it is removed with everything in it.
 * Removal never follows a symbolic link (a link inside the directory is removed, not what it
 * points to) and refuses any path that is not, at teardown, the real directory created here.
 *
 * @param options - the name prefix, and the scope to track it in
 * @returns the directory's absolute real path (no symbolic link in it)
 * @throws {@link NoActiveScopeError} when no `scope` is given and no runner adapter is installed
 * @throws {@link ScopeClosedError} when the scope is disposing or disposed
 * @throws {TypeError} when an option is unknown or invalid
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs'
 * import { join } from 'node:path'
 * import { test } from 'node:test'
 * import { createTempDir } from 'cleanroom'
 *
 * test('writes a report', () => {
 *   const dir = createTempDir({ prefix: 'report-' })
 *   writeFileSync(join(dir, 'out.json'), '{}')
 *   // dir and out.json are removed after the test
 * })
 * ```
 */
export function createTempDir(options?: TempDirOptions): string {
  let prefix = 'cleanroom-'
  let explicitScope: Scope | undefined
  if (options !== undefined) {
    assertPlainObject(options, call, 'options')
    assertKnownKeys(options, optionKeys, call)
    if (options.prefix !== undefined) prefix = checkPrefix(options.prefix)
    assertOptionalScope(options.scope, call)
    explicitScope = options.scope
  }
  const scope = explicitScope ?? currentScopeFor('createTempDir()')
  // The parent's real path: on systems where the temp dir is a link (macOS), the returned path
  // and the teardown checks then see no link at all.
  const root = realpathSync(tmpdir())
  const path = mkdtempSync(join(root, prefix))
  try {
    // mkdtemp asks for 0700, which a umask can narrow: set it outright.
    chmodSync(path, 0o700)
    createdDirs.add(path)
    trackFor(createTempDir, scope, path, {
      label: `temp dir ${path}`,
      dispose: () => removeTempDir(path, root),
    })
  } catch (error) {
    // The scope refused it (closed): leave nothing behind.
    createdDirs.delete(path)
    rmdirSync(path)
    throw error
  }
  return path
}

function checkPrefix(prefix: unknown): string {
  if (typeof prefix !== 'string') {
    throw new TypeError(`${call}: expected \`prefix\` to be a string, got ${describeValue(prefix)}`)
  }
  if (prefix.includes('/') || prefix.includes('\\') || prefix.includes('\0')) {
    throw new TypeError(
      `${call}: expected \`prefix\` to be a name without path separators, got ${describeValue(prefix)}. The directory is always created directly in the OS temp dir.`,
    )
  }
  return prefix
}

/**
 * Removes a directory `createTempDir()` made, after checking that the path is still that
 * directory: one of those created in this process, directly in `root`, a real directory (not
 * a link), with no link anywhere above it. Inside it, `rm` unlinks links, never following them.
 */
async function removeTempDir(path: string, root: string): Promise<void> {
  if (!createdDirs.delete(path)) {
    throw new UnsafeTempDirError(
      path,
      'it is not one of the directories createTempDir() created in this process',
    )
  }
  if (dirname(path) !== root) {
    throw new UnsafeTempDirError(path, `it is not directly in the OS temp dir "${root}"`)
  }
  let stats
  try {
    stats = await lstat(path)
  } catch (error) {
    // Removed already, by the test itself: nothing left to do.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  if (stats.isSymbolicLink()) {
    const target = await readlink(path).catch(() => undefined)
    throw new UnsafeTempDirError(
      path,
      `it was replaced by a symbolic link${target === undefined ? '' : ` to "${target}"`}`,
    )
  }
  if (!stats.isDirectory()) {
    throw new UnsafeTempDirError(path, 'it was replaced by something that is not a directory')
  }
  const real = await realpath(path)
  if (real !== path) {
    throw new UnsafeTempDirError(
      path,
      `its real path is now "${real}": a directory above it was replaced by a symbolic link`,
    )
  }
  await rm(path, { recursive: true })
}

import { execFileSync } from 'node:child_process'
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  CleanupError,
  createScope,
  createTempDir,
  DisposeError,
  NoActiveScopeError,
  ScopeClosedError,
  UnsafeTempDirError,
  type Scope,
} from 'cleanroom'
import { thrown } from '../helpers/thrown.ts'
import { processValue } from '../helpers/process-values.ts'

const root = realpathSync(tmpdir())
/** Paths made by the tests themselves (outside targets), removed after each test. */
const made: string[] = []

afterEach(() => {
  for (const path of made.splice(0)) rmSync(path, { recursive: true, force: true })
})

/** A directory outside any temp dir cleanroom makes, with a file in it. */
function outsideDir(): string {
  const dir = mkdtempSync(join(root, 'outside-'))
  made.push(dir)
  writeFileSync(join(dir, 'precious.txt'), 'keep me')
  return dir
}

async function disposeFailure(scope: Scope): Promise<CleanupError> {
  const error = await scope.dispose().then(
    () => undefined,
    (error: unknown) => error,
  )
  expect(error).toBeInstanceOf(CleanupError)
  return error as CleanupError
}

describe('createTempDir', () => {
  it('creates a fresh 0700 directory directly in the real OS temp dir, named with the prefix', async () => {
    const scope = createScope()
    const previous = process.umask(0o277)
    let dir: string
    try {
      dir = createTempDir({ prefix: 'reports-', scope })
    } finally {
      process.umask(previous)
    }
    expect(dirname(dir)).toBe(root)
    expect(basename(dir)).toMatch(/^reports-[A-Za-z0-9]{6}$/)
    // With umask 0277, mkdtemp alone gives 0500: the mode is set outright.
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(lstatSync(dir).isDirectory()).toBe(true)
    await scope.dispose()
    expect(existsSync(dir)).toBe(false)
  })

  it('uses the prefix cleanroom- by default, and gives each call its own directory', async () => {
    const scope = createScope()
    const first = createTempDir({ scope })
    const second = createTempDir({ scope })
    expect(basename(first)).toMatch(/^cleanroom-/)
    expect(second).not.toBe(first)
    await scope.dispose()
  })

  it('removes the directory and everything in it when its scope ends, reporting it by path', async () => {
    const scope = createScope({ name: 'files' })
    const dir = createTempDir({ scope })
    mkdirSync(join(dir, 'a', 'b'), { recursive: true })
    writeFileSync(join(dir, 'a', 'b', 'deep.txt'), 'x')
    writeFileSync(join(dir, 'top.txt'), 'y')
    const report = await scope.dispose()
    expect(existsSync(dir)).toBe(false)
    expect(report.entries).toMatchObject([
      {
        label: `temp dir ${dir}`,
        kind: 'custom',
        outcome: 'ok',
        created: expect.stringMatching(/^test\/state\/temp-dir\.test\.ts:\d+:\d+$/) as unknown,
      },
    ])
  })

  it('removes a symbolic link inside the directory without following it: the files it points to survive', async () => {
    const scope = createScope()
    const dir = createTempDir({ scope })
    const outside = outsideDir()
    symlinkSync(outside, join(dir, 'link-to-dir'), 'dir')
    symlinkSync(join(outside, 'precious.txt'), join(dir, 'link-to-file'))
    mkdirSync(join(dir, 'sub'))
    symlinkSync(outside, join(dir, 'sub', 'nested-link'), 'dir')
    await scope.dispose()
    expect(existsSync(dir)).toBe(false)
    expect(readdirSync(outside)).toEqual(['precious.txt'])
  })

  it('refuses to remove a temp dir replaced by a symbolic link: the target survives, and the refusal is reported', async () => {
    const scope = createScope({ name: 'swap' })
    const dir = createTempDir({ scope })
    const outside = outsideDir()
    rmSync(dir, { recursive: true })
    symlinkSync(outside, dir, 'dir')
    made.push(dir)
    const error = await disposeFailure(scope)
    expect(readdirSync(outside)).toEqual(['precious.txt'])
    expect(lstatSync(dir).isSymbolicLink()).toBe(true)
    const failure = error.errors[0]
    expect(failure).toBeInstanceOf(DisposeError)
    expect(failure?.cause).toBeInstanceOf(UnsafeTempDirError)
    const cause = failure?.cause as UnsafeTempDirError
    expect(cause.code).toBe('ERR_CLEANROOM_UNSAFE_TEMP_DIR')
    expect(cause.path).toBe(dir)
    expect(cause.message).toBe(
      `Refused to remove temp dir "${dir}": it was replaced by a symbolic link to "${outside}". Nothing was removed, so nothing the path leads to now is lost. Leave the directories createTempDir() returns in place (empty them instead of replacing them), and remove what is there now yourself.`,
    )
    expect(error.message).toMatch(
      new RegExp(
        `^1 of 1 cleanup failed in scope "swap":\\n  - "temp dir ${dir}" \\(created at test/state/temp-dir\\.test\\.ts:\\d+:\\d+\\): UnsafeTempDirError: Refused to remove temp dir`,
      ),
    )
  })

  it('refuses to remove a temp dir replaced by a file, and reports it', async () => {
    const scope = createScope()
    const dir = createTempDir({ scope })
    rmSync(dir, { recursive: true })
    writeFileSync(dir, 'not a directory')
    made.push(dir)
    const error = await disposeFailure(scope)
    expect(existsSync(dir)).toBe(true)
    const cause = error.errors[0]?.cause as UnsafeTempDirError
    expect(cause).toBeInstanceOf(UnsafeTempDirError)
    expect(cause.message).toContain(
      `Refused to remove temp dir "${dir}": it was replaced by something that is not a directory.`,
    )
  })

  it('refuses to remove a path that is not in the record of directories it created, and leaves it in place', async () => {
    const scope = createScope()
    const dir = createTempDir({ scope })
    made.push(dir)
    writeFileSync(join(dir, 'kept.txt'), 'x')
    // The process-wide record the disposer checks before removing anything.
    const record = processValue('tempDirs') as Set<string> | undefined
    expect(record?.has(dir)).toBe(true)
    record?.delete(dir)
    const error = await disposeFailure(scope)
    expect(readdirSync(dir)).toEqual(['kept.txt'])
    const cause = error.errors[0]?.cause as UnsafeTempDirError
    expect(cause).toBeInstanceOf(UnsafeTempDirError)
    expect(cause.code).toBe('ERR_CLEANROOM_UNSAFE_TEMP_DIR')
    expect(cause.message).toContain(
      `Refused to remove temp dir "${dir}": it is not one of the directories createTempDir() created in this process.`,
    )
  })

  it('refuses to remove a temp dir moved away and replaced by a link to it: the moved contents survive', async () => {
    const scope = createScope()
    const dir = createTempDir({ scope })
    // The same contents, reached through a link: still not the directory it created.
    const elsewhere = outsideDir()
    renameSync(dir, join(elsewhere, 'moved'))
    symlinkSync(join(elsewhere, 'moved'), dir, 'dir')
    made.push(dir)
    const error = await disposeFailure(scope)
    expect(existsSync(join(elsewhere, 'moved'))).toBe(true)
    expect((error.errors[0]?.cause as Error).message).toContain(
      `it was replaced by a symbolic link to "${join(elsewhere, 'moved')}"`,
    )
  })

  it('does nothing, and reports nothing, when the test removed the directory itself', async () => {
    const scope = createScope()
    const dir = createTempDir({ scope })
    rmSync(dir, { recursive: true })
    const report = await scope.dispose()
    expect(report.entries[0]?.outcome).toBe('ok')
  })

  it('reports a removal that fails, with the file system error as the cause', async (context) => {
    const scope = createScope({ name: 'stuck' })
    const dir = createTempDir({ scope })
    const file = join(dir, 'locked.txt')
    writeFileSync(file, 'x')
    // root removes anything it may write: an immutable file stops it; anyone else, a
    // directory without write permission.
    const asRoot = process.getuid?.() === 0
    try {
      if (asRoot) execFileSync('chattr', ['+i', file], { stdio: 'ignore' })
      else execFileSync('chmod', ['0500', dir])
    } catch {
      await scope.dispose()
      context.skip('this file system cannot make a file impossible to remove')
    }
    try {
      const error = await disposeFailure(scope)
      const failure = error.errors[0]
      expect(failure).toBeInstanceOf(DisposeError)
      expect(failure?.code).toBe('ERR_CLEANROOM_DISPOSE')
      // Node's rm reports EPERM or EACCES, or ENOTDIR from its retry of the file as a directory.
      expect((failure?.cause as NodeJS.ErrnoException).code).toMatch(/^(EPERM|EACCES|ENOTDIR)$/)
      expect(failure?.message).toMatch(
        new RegExp(
          `^Cleanup of "temp dir ${dir}" \\(created at test/state/temp-dir\\.test\\.ts:\\d+:\\d+\\) in scope "stuck" failed: Error: (EPERM|EACCES|ENOTDIR)`,
        ),
      )
      expect(existsSync(file)).toBe(true)
    } finally {
      if (asRoot) execFileSync('chattr', ['-i', file])
      else execFileSync('chmod', ['0700', dir])
      rmSync(dir, { recursive: true })
    }
  })

  it('throws ScopeClosedError on a disposed scope and leaves no directory behind', async () => {
    const scope = createScope({ name: 'closed' })
    await scope.dispose()
    const before = new Set(readdirSync(root))
    const error = thrown(() => createTempDir({ scope }))
    expect(error).toBeInstanceOf(ScopeClosedError)
    expect((error as ScopeClosedError).code).toBe('ERR_CLEANROOM_SCOPE_CLOSED')
    expect((error as Error).message).toMatch(
      /^Cannot track "temp dir .+cleanroom-\w{6}": scope "closed" is disposed\. Create resources before the scope is disposed, or track them in a scope that is still open\.$/,
    )
    expect(readdirSync(root).filter((name) => !before.has(name))).toEqual([])
  })

  it('throws NoActiveScopeError when no scope is given and cleanroom is not installed', () => {
    const error = thrown(() => createTempDir())
    expect(error).toBeInstanceOf(NoActiveScopeError)
    expect((error as NoActiveScopeError).code).toBe('ERR_CLEANROOM_NO_ACTIVE_SCOPE')
    expect((error as Error).message).toMatch(
      /^createTempDir\(\) was called, but cleanroom is not installed in this process/,
    )
  })

  it('rejects bad options with a TypeError naming the option and the value', () => {
    const create = createTempDir as (options?: unknown) => string
    expect(() => create('tmp')).toThrow(
      new TypeError('createTempDir: expected `options` to be an object, got "tmp"'),
    )
    expect(() => create({ prefx: 'a' })).toThrow(
      new TypeError('createTempDir: unknown option `prefx`. Known options: `prefix`, `scope`'),
    )
    expect(() => create({ prefix: 3 })).toThrow(
      new TypeError('createTempDir: expected `prefix` to be a string, got 3'),
    )
    expect(() => create({ prefix: '../escape-' })).toThrow(
      new TypeError(
        'createTempDir: expected `prefix` to be a name without path separators, got "../escape-". The directory is always created directly in the OS temp dir.',
      ),
    )
    expect(() => create({ scope: {} })).toThrow(
      new TypeError(
        'createTempDir: expected `scope` to be a Scope (from createScope() or currentScope()), got an object',
      ),
    )
  })
})

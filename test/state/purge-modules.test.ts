import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  createScope,
  createTempDir,
  NoActiveScopeError,
  purgeModules,
  ScopeClosedError,
} from 'cleanroom'
import { thrown } from '../helpers/thrown.ts'

const require = createRequire(import.meta.url)
const files = createScope({ name: 'module files' })
const dir = createTempDir({ scope: files, prefix: 'purge-' })

afterAll(async () => {
  delete (globalThis as { evaluations?: number }).evaluations
  await files.dispose()
})

let counter = 0

/**
 * Writes a CommonJS module that records each evaluation, under a fresh name, and returns its
 * path. `body` is appended to it.
 */
function writeModule(name: string, body = '', under = dir): string {
  const path = join(under, `${name}-${++counter}.cjs`)
  writeFileSync(
    path,
    `globalThis.evaluations = (globalThis.evaluations ?? 0) + 1\nexports.evaluation = globalThis.evaluations\n${body}`,
  )
  return path
}

interface Counted {
  evaluation: number
}

describe('purgeModules', () => {
  it('drops the CommonJS modules first loaded after the call when the scope ends: the next require evaluates them again', async () => {
    const before = writeModule('before')
    const child = writeModule('child')
    const after = writeModule('after', `exports.child = require(${JSON.stringify(child)})`)
    const loadedBefore = require(before) as Counted
    const scope = createScope()
    const purge = purgeModules({ scope })
    const loadedAfter = require(after) as Counted
    expect(purge.modules).toEqual([after, child])
    await scope.dispose()
    expect(require.cache[after]).toBeUndefined()
    expect(require.cache[child]).toBeUndefined()
    expect(require.cache[before]).toBeDefined()
    expect(purge.modules).toEqual([])
    const reloaded = require(after) as Counted
    expect(reloaded).not.toBe(loadedAfter)
    expect(reloaded.evaluation).toBeGreaterThan(loadedAfter.evaluation)
    expect(require(before)).toBe(loadedBefore)
  })

  it('removes a dropped module from the children of a module that stays, so it can be collected', async () => {
    const lazy = writeModule('lazy')
    const parent = writeModule('parent', `exports.load = () => require(${JSON.stringify(lazy)})`)
    const { load } = require(parent) as { load: () => Counted }
    const scope = createScope()
    purgeModules({ scope })
    load()
    const lazyModule = require.cache[lazy]
    expect(require.cache[parent]?.children).toContain(lazyModule)
    await scope.dispose()
    expect(require.cache[lazy]).toBeUndefined()
    expect(require.cache[parent]?.children).not.toContain(lazyModule)
  })

  it('keeps modules under node_modules unless asked to purge them', async () => {
    const packageDir = join(dir, 'node_modules', 'some-package')
    mkdirSync(packageDir, { recursive: true })
    const kept = writeModule('index', '', packageDir)
    const purged = writeModule('index', '', packageDir)
    const keepScope = createScope()
    purgeModules({ scope: keepScope })
    require(kept)
    await keepScope.dispose()
    expect(require.cache[kept]).toBeDefined()

    const purgeScope = createScope()
    const purge = purgeModules({ scope: purgeScope, nodeModules: true })
    require(purged)
    expect(purge.modules).toEqual([purged])
    await purgeScope.dispose()
    expect(require.cache[purged]).toBeUndefined()
  })

  it('never drops a native addon, even with nodeModules: true', async () => {
    const addon =
      process.env.BETTER_SQLITE3_BINDING ??
      require.resolve('better-sqlite3/build/Release/better_sqlite3.node')
    expect(require.cache[addon]).toBeUndefined()
    const scope = createScope()
    const purge = purgeModules({ scope, nodeModules: true })
    require(addon)
    expect(require.cache[addon]).toBeDefined()
    expect(purge.modules).not.toContain(addon)
    await scope.dispose()
    expect(require.cache[addon]).toBeDefined()
  })

  it('drops only the modules the filter accepts', async () => {
    const accepted = writeModule('accepted')
    const refused = writeModule('refused')
    const scope = createScope()
    purgeModules({ scope, filter: (path) => path.includes('accepted') })
    require(accepted)
    require(refused)
    await scope.dispose()
    expect(require.cache[accepted]).toBeUndefined()
    expect(require.cache[refused]).toBeDefined()
  })

  it('is reported in the scope with the line that called it', async () => {
    const scope = createScope()
    purgeModules({ scope })
    const report = await scope.dispose()
    expect(report.entries).toMatchObject([
      {
        label: 'modules loaded since purgeModules()',
        outcome: 'ok',
        created: expect.stringMatching(/^test\/state\/purge-modules\.test\.ts:\d+:\d+$/) as unknown,
      },
    ])
  })

  it('throws NoActiveScopeError when no scope is given and cleanroom is not installed', () => {
    const error = thrown(() => purgeModules())
    expect(error).toBeInstanceOf(NoActiveScopeError)
    expect((error as NoActiveScopeError).code).toBe('ERR_CLEANROOM_NO_ACTIVE_SCOPE')
    expect((error as Error).message).toMatch(
      /^purgeModules\(\) was called, but cleanroom is not installed in this process/,
    )
  })

  it('throws ScopeClosedError on a disposed scope', async () => {
    const scope = createScope({ name: 'done' })
    await scope.dispose()
    const error = thrown(() => purgeModules({ scope }))
    expect(error).toBeInstanceOf(ScopeClosedError)
    expect((error as ScopeClosedError).code).toBe('ERR_CLEANROOM_SCOPE_CLOSED')
    expect((error as Error).message).toBe(
      'Cannot track "modules loaded since purgeModules()": scope "done" is disposed. Create resources before the scope is disposed, or track them in a scope that is still open.',
    )
  })

  it('rejects bad options with a TypeError naming the option and the value', () => {
    const purge = purgeModules as (options?: unknown) => unknown
    expect(() => purge([])).toThrow(
      new TypeError('purgeModules: expected `options` to be an object, got an array of 0'),
    )
    expect(() => purge({ node_modules: true })).toThrow(
      new TypeError(
        'purgeModules: unknown option `node_modules`. Known options: `nodeModules`, `filter`, `scope`',
      ),
    )
    expect(() => purge({ nodeModules: 'yes' })).toThrow(
      new TypeError('purgeModules: expected `nodeModules` to be a boolean, got "yes"'),
    )
    expect(() => purge({ filter: /x/ })).toThrow(
      new TypeError('purgeModules: expected `filter` to be a function, got a RegExp'),
    )
  })
})

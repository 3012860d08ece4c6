import { afterAll, describe, expect, it } from 'vitest'
import {
  allowLeaks,
  CleanupError,
  currentScope,
  defer,
  defineFixture,
  NoActiveScopeError,
  track,
  use,
} from 'cleanroom'
import { installCleanroom } from 'cleanroom/hooks'
import { fakeRunner } from '../helpers/fake-runner.ts'
import { installedRuntime } from '../helpers/process-values.ts'

const thisFile = 'test/runtime/helpers.test.ts'

describe('before cleanroom is installed', () => {
  it.each([
    ['track()', () => track(new AbortController())],
    [
      'defer()',
      () => {
        defer(() => undefined)
      },
    ],
    ['currentScope()', () => currentScope()],
    [
      'allowLeaks()',
      () => {
        allowLeaks('reason')
      },
    ],
  ])('%s throws NoActiveScopeError, saying how to install', (helper, call) => {
    expect(call).toThrow(NoActiveScopeError)
    expect(call).toThrow(
      `${helper} was called, but cleanroom is not installed in this process, so there is no test, file or worker scope to put it in. Install it for your runner with one line: Vitest \`setupFiles: ['cleanroom/vitest/setup']\`, Jest \`setupFilesAfterEnv: ['cleanroom/jest/setup']\`, Mocha \`--require cleanroom/mocha\`, node:test \`node --test --import cleanroom/node-test/register\`, any other runner \`installCleanroom({ beforeEach, afterEach })\` from 'cleanroom/hooks'.`,
    )
  })

  it('rejects use() with NoActiveScopeError', async () => {
    const fixture = defineFixture({ name: 'f', setup: () => 1 })
    await expect(use(fixture)).rejects.toMatchObject({ code: 'ERR_CLEANROOM_NO_ACTIVE_SCOPE' })
  })
})

describe('installCleanroom from cleanroom/hooks', () => {
  afterAll(() => {
    // Leave the process as this file found it: no runtime installed.
    installedRuntime().runtime = undefined
  })

  it('refuses bad hooks and options, naming them', () => {
    const { runner } = fakeRunner()
    const install = installCleanroom as (...args: unknown[]) => unknown
    expect(() => install({ ...runner, beforeEach: 'nope' })).toThrow(
      'installCleanroom: expected `beforeEach` to be a function, got "nope"',
    )
    expect(() => install({ ...runner, before: () => undefined })).toThrow(
      'installCleanroom: unknown hook `before`. Known: `beforeEach`, `afterEach`, `beforeAll`, `afterAll`, `testName`',
    )
    expect(() => install(runner, { timeout: -1 })).toThrow(
      'installCleanroom: expected `timeout` to be a positive number of milliseconds, got -1',
    )
    expect(() => install(runner, { leaks: 'fail', tiemout: 3 })).toThrow(
      'installCleanroom: unknown option `tiemout`. Known options: `timeout`, `budget`, `registry`, `leaks`',
    )
    expect(() => install(runner, { leaks: 'loud' })).toThrow(
      "installCleanroom: expected `leaks` to be one of 'fail', 'warn', 'off', got \"loud\"",
    )
  })

  it('gives each test a scope, disposes it after the test, and fails the test on a failed cleanup', async () => {
    const { runner, run } = fakeRunner()
    const installation = installCleanroom(runner, { timeout: 1_000 })
    await run('beforeAll')
    const log: string[] = []
    const fileFixture = defineFixture({
      name: 'shared',
      level: 'file',
      setup: () => {
        defer(() => void log.push('file fixture'))
        return 'shared value'
      },
    })

    await run('beforeEach', 'first test')
    expect(currentScope().name).toBe('test "first test"')
    expect(await use(fileFixture)).toBe('shared value')
    const controller = track(new AbortController())
    defer(() => void log.push('first test defer'))
    allowLeaks('it is fine')
    await run('afterEach')
    expect(controller.signal.aborted).toBe(true)
    expect(log).toEqual(['first test defer'])

    await run('beforeEach', 'second test')
    defer(
      () => {
        throw new Error('cannot release')
      },
      { label: 'release lock' },
    )
    const failure = await run('afterEach').catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(CleanupError)
    // The creation site is this file's line, not the helper's.
    expect((failure as CleanupError).message).toMatch(
      new RegExp(`"release lock" \\(created at ${thisFile}:\\d+:\\d+\\): Error: cannot release`),
    )

    // Outside a test, helpers reach the file scope.
    expect(currentScope().name).toMatch(/^file /)
    expect(() => {
      allowLeaks()
    }).toThrow(
      'allowLeaks() applies to the running test, and no test is running: call it inside a test.',
    )
    await run('afterAll')
    expect(log).toEqual(['first test defer', 'file fixture'])
    expect(currentScope().name).toBe('worker')
    await installation.dispose()
  })

  it('refuses a second install with other options', () => {
    const { runner } = fakeRunner()
    expect(() => installCleanroom(runner, { timeout: 9 })).toThrow(
      'installCleanroom: cleanroom is already installed in this process with other options.',
    )
  })
})

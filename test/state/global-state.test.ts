import { EventEmitter } from 'node:events'
import { tmpdir } from 'node:os'
import timers from 'node:timers'
import FakeTimers from '@sinonjs/fake-timers'
import { afterEach, describe, expect, it, vi } from 'vitest'
// Internal: the runtime every adapter drives, with the guard on, as adapters use it.
import { GlobalStateError } from '../../src/core/errors.ts'
import type { LeakMode } from '../../src/leaks/options.ts'
import { resolveSettings, validateOptions } from '../../src/runtime/options.ts'
import { Runtime, type TeardownFailure } from '../../src/runtime/runtime.ts'
import type { GlobalStateMode, GlobalStateOptions } from '../../src/state/global-state-options.ts'

const running: Runtime[] = []
const undo: (() => void)[] = []

/** A runtime as an adapter installs it, a file begun; ended after each test of this file. */
async function start(
  globals: GlobalStateMode | GlobalStateOptions = 'warn',
  leaks: LeakMode = 'off',
): Promise<Runtime> {
  const runtime = new Runtime(resolveSettings({ leaks, globals }, {}))
  running.push(runtime)
  await runtime.beginFile('test/state/global-state.test.ts')
  return runtime
}

/** The warnings printed while `run` runs. */
async function warnings(run: () => Promise<unknown>): Promise<string[]> {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
  try {
    await run()
    return warn.mock.calls.map((call) => String(call[0]))
  } finally {
    warn.mockRestore()
  }
}

afterEach(async () => {
  for (const step of undo.splice(0).reverse()) step()
  for (const runtime of running.splice(0)) await runtime.endWorker()
})

function stateError(failure: TeardownFailure): GlobalStateError {
  if (!(failure instanceof GlobalStateError)) {
    throw new Error(`expected a GlobalStateError, got ${String(failure)}`)
  }
  return failure
}

/** Each kind: what a test does, what the report says, and how to check it was put back. */
interface Kind {
  readonly name: string
  readonly change: () => void
  readonly reported: string
  readonly isBack: () => boolean
  /** Found in warn mode by the file's check, not the test's (`process.env`, Node's own). */
  readonly fileInWarn?: true
}

const savedEnv = process.env.HOME
const cwd = process.cwd()
const maxListeners = EventEmitter.defaultMaxListeners
const stackTraceLimit = Error.stackTraceLimit
const exitCode = process.exitCode
const onRejection = (): void => undefined
const g = globalThis as Record<string, unknown>
const realFetch = g.fetch

const kinds: readonly Kind[] = [
  {
    name: 'a new env var',
    change: () => {
      process.env.CLEANROOM_TEST_API_URL = 'http://127.0.0.1:1'
      undo.push(() => delete process.env.CLEANROOM_TEST_API_URL)
    },
    reported: 'set process.env.CLEANROOM_TEST_API_URL',
    isBack: () => !('CLEANROOM_TEST_API_URL' in process.env),
    fileInWarn: true,
  },
  {
    name: 'a changed env var',
    change: () => {
      process.env.HOME = '/nowhere'
      undo.push(() => (process.env.HOME = savedEnv))
    },
    reported: 'changed process.env.HOME',
    isBack: () => process.env.HOME === savedEnv,
    fileInWarn: true,
  },
  {
    name: 'a deleted env var',
    change: () => {
      delete process.env.HOME
      undo.push(() => (process.env.HOME = savedEnv))
    },
    reported: 'deleted process.env.HOME',
    isBack: () => process.env.HOME === savedEnv,
    fileInWarn: true,
  },
  {
    name: 'an added global',
    change: () => {
      g.cleanroomTestGlobal = 1
      undo.push(() => delete g.cleanroomTestGlobal)
    },
    reported: 'added globalThis.cleanroomTestGlobal',
    isBack: () => !('cleanroomTestGlobal' in g),
  },
  {
    name: 'a replaced global',
    change: () => {
      const fetch = g.fetch
      g.fetch = () => undefined
      undo.push(() => (g.fetch = fetch))
    },
    reported: 'replaced globalThis.fetch',
    isBack: () => g.fetch === realFetch,
  },
  {
    name: 'a deleted global',
    change: () => {
      const btoa = Object.getOwnPropertyDescriptor(g, 'btoa') as PropertyDescriptor
      delete g.btoa
      undo.push(() => Object.defineProperty(g, 'btoa', btoa))
    },
    reported: 'deleted globalThis.btoa',
    isBack: () => typeof g.btoa === 'function',
  },
  {
    name: 'the working directory',
    change: () => {
      process.chdir(tmpdir())
      undo.push(() => {
        process.chdir(cwd)
      })
    },
    reported: `changed process.cwd() from ${cwd} to ${tmpdir()}`,
    isBack: () => process.cwd() === cwd,
  },
  {
    name: 'the exit code',
    change: () => {
      process.exitCode = 1
      undo.push(() => (process.exitCode = exitCode))
    },
    reported: 'set process.exitCode to 1',
    isBack: () => process.exitCode === exitCode,
  },
  {
    name: 'an added listener',
    change: () => {
      process.on('unhandledRejection', onRejection)
      undo.push(() => process.off('unhandledRejection', onRejection))
    },
    reported: "added 1 'unhandledRejection' listener",
    isBack: () => !process.listeners('unhandledRejection').includes(onRejection),
  },
  {
    name: 'the default max listeners',
    change: () => {
      EventEmitter.defaultMaxListeners = maxListeners + 10
      undo.push(() => (EventEmitter.defaultMaxListeners = maxListeners))
    },
    reported: `changed EventEmitter.defaultMaxListeners from ${maxListeners} to ${maxListeners + 10}`,
    isBack: () => EventEmitter.defaultMaxListeners === maxListeners,
  },
  {
    name: 'the stack trace limit',
    change: () => {
      Error.stackTraceLimit = 50
      undo.push(() => (Error.stackTraceLimit = stackTraceLimit))
    },
    reported: `changed Error.stackTraceLimit from ${stackTraceLimit} to 50`,
    isBack: () => Error.stackTraceLimit === stackTraceLimit,
  },
  {
    name: 'fake timers left installed',
    change: () => {
      const clock = FakeTimers.install()
      undo.push(() => {
        clock.uninstall()
      })
    },
    reported: 'left fake timers installed (setTimeout is a fake from @sinonjs/fake-timers)',
    isBack: () => !('clock' in setTimeout) && !('clock' in timers.setTimeout),
  },
]

describe('the global-state guard', () => {
  describe.each(kinds)('$name', (kind) => {
    it('is reported in warn mode, and left as it is', async () => {
      const runtime = await start('warn')
      const printed = await warnings(async () => {
        runtime.beginTest('changes it')
        kind.change()
        expect(await runtime.endTest()).toBeUndefined()
        expect(await runtime.endFile()).toBeUndefined()
      })
      const owner =
        kind.fileInWarn === true ? 'file test/state/global-state.test.ts' : 'test "changes it"'
      const perFile =
        kind.fileInWarn === true
          ? " In 'warn' mode process.env is compared once per file; 'restore' and 'fail' compare it after each test, and name the test."
          : ''
      expect(printed).toEqual([
        `cleanroom: ${owner} changed global state: ${kind.reported}\n` +
          "It was left so. Put it back in the test (or an afterEach hook), or set globals: 'restore' to have cleanroom put it back, or 'fail' to fail such a test." +
          perFile,
      ])
      expect(kind.isBack()).toBe(false)
    })

    it('is put back in restore mode, with a warning that says so', async () => {
      const runtime = await start('restore')
      const printed = await warnings(async () => {
        runtime.beginTest('changes it')
        kind.change()
        expect(await runtime.endTest()).toBeUndefined()
      })
      expect(printed).toEqual([
        `cleanroom: test "changes it" changed global state: ${kind.reported}\n` +
          'cleanroom put it back, so the next test starts as this one did.',
      ])
      expect(kind.isBack()).toBe(true)
    })

    it('fails the test in fail mode, and is put back', async () => {
      const runtime = await start('fail')
      runtime.beginTest('changes it')
      kind.change()
      const error = stateError(await runtime.endTest())
      expect(error.code).toBe('ERR_CLEANROOM_GLOBAL_STATE')
      expect(error.owner).toBe('test "changes it"')
      expect(error.restored).toBe(true)
      expect(error.changes.map((change) => change.description)).toEqual([kind.reported])
      expect(error.message).toBe(
        `test "changes it" changed global state: ${kind.reported}\n` +
          'cleanroom put it back, so the next test starts as this one did. Put it back in the test, or an afterEach hook.',
      )
      expect(kind.isBack()).toBe(true)
    })
  })

  it('lists every change of one test on one line, and counts listeners removed', async () => {
    const runtime = await start('fail')
    const listener = (): void => undefined
    process.on('beforeExit', listener)
    process.on('beforeExit', listener)
    undo.push(() => process.removeAllListeners('beforeExit'))
    runtime.beginTest('many')
    process.env.CLEANROOM_TEST_A = 'a'
    undo.push(() => delete process.env.CLEANROOM_TEST_A)
    process.removeAllListeners('beforeExit')
    const error = stateError(await runtime.endTest())
    expect(error.message.split('\n')[0]).toBe(
      'test "many" changed global state: set process.env.CLEANROOM_TEST_A; removed 2 \'beforeExit\' listeners',
    )
    expect(process.listeners('beforeExit')).toEqual([listener, listener])
  })

  it('reports nothing for a clean test, nor for a test that put back what it changed', async () => {
    const runtime = await start('fail')
    for (let index = 0; index < 3; index++) {
      runtime.beginTest('clean')
      expect(await runtime.endTest()).toBeUndefined()
    }
    runtime.beginTest('tidy')
    process.env.CLEANROOM_TEST_TIDY = '1'
    process.on('exit', onRejection)
    delete process.env.CLEANROOM_TEST_TIDY
    process.off('exit', onRejection)
    expect(await runtime.endTest()).toBeUndefined()
  })

  it('charges a change made between tests of one group to neither, with a new group', async () => {
    const runtime = await start('warn')
    const printed = await warnings(async () => {
      runtime.beginTest('first', 'suite a')
      expect(await runtime.endTest()).toBeUndefined()
      // A beforeAll hook of the next describe block.
      g.cleanroomTestSuite = 'b'
      undo.push(() => delete g.cleanroomTestSuite)
      runtime.beginTest('second', 'suite b')
      expect(await runtime.endTest()).toBeUndefined()
      runtime.beginTest('third', 'suite b')
      g.cleanroomTestThird = 'c'
      undo.push(() => delete g.cleanroomTestThird)
      expect(await runtime.endTest()).toBeUndefined()
    })
    expect(printed).toEqual([
      expect.stringContaining(
        'test "third" changed global state: added globalThis.cleanroomTestThird',
      ),
    ])
  })

  it("in 'warn' with process.env watched, sees a variable swapped for another, and not one deleted and set again", async () => {
    const original = process.env
    undo.push(() => {
      process.env = original
    })
    const runtime = await start('warn')
    runtime.watchEnv()
    expect(process.env).not.toBe(original)
    process.env.CLEANROOM_TEST_SWAP_A = '1'
    undo.push(() => {
      delete process.env.CLEANROOM_TEST_SWAP_A
      delete process.env.CLEANROOM_TEST_SWAP_B
    })
    const printed = await warnings(async () => {
      // The same names, in another order (the variable set again comes last).
      runtime.beginTest('sets one again', 'suite')
      delete process.env.CLEANROOM_TEST_SWAP_A
      process.env.CLEANROOM_TEST_SWAP_A = '1'
      expect(await runtime.endTest()).toBeUndefined()
      // As many names as before, one of them another.
      runtime.beginTest('swaps one', 'suite')
      delete process.env.CLEANROOM_TEST_SWAP_A
      process.env.CLEANROOM_TEST_SWAP_B = '1'
      expect(await runtime.endTest()).toBeUndefined()
    })
    expect(printed.map((line) => line.split('\n')[0])).toEqual([
      'cleanroom: test "swaps one" changed global state: set process.env.CLEANROOM_TEST_SWAP_B; deleted process.env.CLEANROOM_TEST_SWAP_A',
    ])
  })

  it("in 'warn', compares a global's value as Object.is does: -0 is not 0, NaN is unchanged", async () => {
    const g = globalThis as Record<string, unknown>
    g.cleanroomTestZero = 0
    undo.push(() => {
      delete g.cleanroomTestZero
      delete g.cleanroomTestNaN
    })
    const runtime = await start('warn')
    const printed = await warnings(async () => {
      runtime.beginTest('writes -0', 'suite')
      g.cleanroomTestZero = -0
      expect(await runtime.endTest()).toBeUndefined()
      // A global that is not itself (===), left as it was, in a block of its own.
      g.cleanroomTestNaN = Number.NaN
      runtime.beginTest('leaves NaN', 'another suite')
      expect(await runtime.endTest()).toBeUndefined()
    })
    expect(printed.map((line) => line.split('\n')[0])).toEqual([
      'cleanroom: test "writes -0" changed global state: replaced globalThis.cleanroomTestZero',
    ])
  })

  it('skips what ignore rules name: strings, prefixes, RegExps and predicates', async () => {
    const runtime = await start({
      mode: 'fail',
      ignore: [
        'process.env.CLEANROOM_TEST_X',
        'globalThis.__cov*',
        /^process\.listeners\('warning'\)$/,
        (change) => change.kind === 'exitCode',
      ],
    })
    runtime.beginTest('ignored')
    process.env.CLEANROOM_TEST_X = '1'
    g.__coverage__ = {}
    process.on('warning', onRejection)
    process.exitCode = 3
    undo.push(() => {
      delete process.env.CLEANROOM_TEST_X
      delete g.__coverage__
      process.off('warning', onRejection)
      process.exitCode = exitCode
    })
    expect(await runtime.endTest()).toBeUndefined()
    runtime.beginTest('not ignored')
    process.env.CLEANROOM_TEST_Y = '1'
    undo.push(() => delete process.env.CLEANROOM_TEST_Y)
    expect(stateError(await runtime.endTest()).changes).toEqual([
      {
        kind: 'env',
        name: 'process.env.CLEANROOM_TEST_Y',
        description: 'set process.env.CLEANROOM_TEST_Y',
      },
    ])
  })

  it('does not report a lazy global read for the first time, in any mode', async () => {
    for (const mode of ['warn', 'fail'] as const) {
      const runtime = await start(mode)
      runtime.beginTest('reads a lazy global')
      // Defined by Node as accessors that may turn into data properties on first read.
      expect(typeof g.structuredClone).toBe('function')
      expect(typeof g.crypto).toBe('object')
      expect(typeof g.navigator === 'undefined' || typeof g.navigator === 'object').toBe(true)
      expect(await runtime.endTest()).toBeUndefined()
    }
  })

  it("does not report leak detection's own timer wrappers, nor their removal at the end", async () => {
    const runtime = await start('fail', 'fail')
    const wrapped = setTimeout
    runtime.beginTest('uses timers')
    await new Promise((resolve) => setTimeout(resolve, 1))
    expect(await runtime.endTest()).toBeUndefined()
    expect(setTimeout).toBe(wrapped)
  })

  it('compares the globals once per file when the adapter asks (Jest), fake timers still per test', async () => {
    const runtime = new Runtime(resolveSettings({ leaks: 'off', globals: 'warn' }, {}))
    running.push(runtime)
    runtime.compareGlobalsPerFile()
    await runtime.beginFile('users.test.js')
    const printed = await warnings(async () => {
      runtime.beginTest('adds a global')
      g.cleanroomPerFile = 1
      undo.push(() => delete g.cleanroomPerFile)
      expect(await runtime.endTest()).toBeUndefined()
      runtime.beginTest('leaves fake timers')
      const clock = FakeTimers.install()
      undo.push(() => {
        clock.uninstall()
      })
      expect(await runtime.endTest()).toBeUndefined()
      expect(await runtime.endFile()).toBeUndefined()
    })
    expect(printed.map((line) => line.split('\n')[0])).toEqual([
      'cleanroom: test "leaves fake timers" changed global state: left fake timers installed (setTimeout is a fake from @sinonjs/fake-timers)',
      'cleanroom: file users.test.js changed global state: added globalThis.cleanroomPerFile',
    ])
  })

  it("in 'warn' under a process.env that is not watched, lists it only as the file begins and ends, and charges what was left to the file", async () => {
    const original = process.env
    let listings = 0
    // Counts the listings of the variables, as Node's own process.env would be listed.
    process.env = new Proxy(original, {
      ownKeys(target) {
        listings++
        return Reflect.ownKeys(target)
      },
    })
    undo.push(() => {
      process.env = original
      delete original.CLEANROOM_TEST_FLEETING
      delete original.CLEANROOM_TEST_LEFT
    })
    const runtime = await start('warn')
    const printed = await warnings(async () => {
      runtime.beginTest('first')
      const atStart = listings
      expect(await runtime.endTest()).toBeUndefined()
      runtime.beginTest('sets one')
      process.env.CLEANROOM_TEST_FLEETING = '1'
      expect(await runtime.endTest()).toBeUndefined()
      runtime.beginTest('deletes it')
      delete process.env.CLEANROOM_TEST_FLEETING
      expect(await runtime.endTest()).toBeUndefined()
      runtime.beginTest('leaves one')
      process.env.CLEANROOM_TEST_LEFT = '1'
      expect(await runtime.endTest()).toBeUndefined()
      runtime.beginTest('clean')
      expect(await runtime.endTest()).toBeUndefined()
      // The tests' checks listed nothing: the file's baseline, as the first test began, did.
      expect(atStart).toBeGreaterThan(0)
      expect(listings).toBe(atStart)
      expect(await runtime.endFile()).toBeUndefined()
    })
    expect(printed).toEqual([
      "cleanroom: file test/state/global-state.test.ts changed global state: set process.env.CLEANROOM_TEST_LEFT\nIt was left so. Put it back in the test (or an afterEach hook), or set globals: 'restore' to have cleanroom put it back, or 'fail' to fail such a test. In 'warn' mode process.env is compared once per file; 'restore' and 'fail' compare it after each test, and name the test.",
    ])
  })

  it("in 'warn' with no file begun (the hooks binder given no beforeAll), compares process.env's names after each test", async () => {
    const runtime = new Runtime(resolveSettings({ leaks: 'off', globals: 'warn' }, {}))
    running.push(runtime)
    undo.push(() => delete process.env.CLEANROOM_TEST_NO_FILE)
    const printed = await warnings(async () => {
      runtime.beginTest('clean')
      expect(await runtime.endTest()).toBeUndefined()
      runtime.beginTest('sets one')
      process.env.CLEANROOM_TEST_NO_FILE = '1'
      expect(await runtime.endTest()).toBeUndefined()
    })
    expect(printed.map((line) => line.split('\n')[0])).toEqual([
      'cleanroom: test "sets one" changed global state: set process.env.CLEANROOM_TEST_NO_FILE',
    ])
  })

  it('with process.env watched (as under Jest), reports what a test wrote, passes what wrote nothing or put it back, and blames no test for a write between tests', async () => {
    const original = process.env
    undo.push(() => {
      process.env = original
    })
    const runtime = new Runtime(resolveSettings({ leaks: 'off', globals: 'warn' }, {}))
    running.push(runtime)
    runtime.watchEnv()
    expect(process.env).not.toBe(original)
    expect(process.env.HOME).toBe(original.HOME)
    await runtime.beginFile('users.test.js')
    const group = {}
    const printed = await warnings(async () => {
      runtime.beginTest('reads only', group)
      expect(await runtime.endTest()).toBeUndefined()
      runtime.beginTest('sets and deletes', group)
      process.env.CLEANROOM_WATCHED = 'on'
      delete process.env.CLEANROOM_WATCHED
      expect(await runtime.endTest()).toBeUndefined()
      // Between tests (a runner's own hook): no test's doing.
      process.env.CLEANROOM_BETWEEN = 'set'
      undo.push(() => delete original.CLEANROOM_BETWEEN)
      runtime.beginTest('reads only, after the write between', group)
      expect(await runtime.endTest()).toBeUndefined()
      runtime.beginTest('defines one and leaves it', group)
      Object.defineProperty(process.env, 'CLEANROOM_LEFT', {
        value: '1',
        enumerable: true,
        configurable: true,
        writable: true,
      })
      undo.push(() => delete original.CLEANROOM_LEFT)
      expect(await runtime.endTest()).toBeUndefined()
      runtime.beginTest('replaces process.env', group)
      process.env = { ...original, CLEANROOM_REPLACED: '1' }
      expect(await runtime.endTest()).toBeUndefined()
    })
    expect(original.CLEANROOM_LEFT).toBe('1')
    expect(printed.map((line) => line.split('\n')[0])).toEqual([
      'cleanroom: test "defines one and leaves it" changed global state: set process.env.CLEANROOM_LEFT',
      'cleanroom: test "replaces process.env" changed global state: set process.env.CLEANROOM_REPLACED',
    ])
  })

  it("in 'warn', compares Node's crypto getter without reading it, and sees it replaced", async () => {
    const original = Object.getOwnPropertyDescriptor(globalThis, 'crypto')
    expect(typeof original?.get).toBe('function')
    undo.push(() => Object.defineProperty(globalThis, 'crypto', original as PropertyDescriptor))
    const runtime = await start('warn')
    const printed = await warnings(async () => {
      runtime.beginTest('reads it')
      expect(typeof g.crypto).toBe('object')
      expect(await runtime.endTest()).toBeUndefined()
      runtime.beginTest('replaces it')
      Object.defineProperty(globalThis, 'crypto', {
        configurable: true,
        enumerable: true,
        value: { randomUUID: () => 'fixed' },
      })
      expect(await runtime.endTest()).toBeUndefined()
    })
    expect(printed.map((line) => line.split('\n')[0])).toEqual([
      'cleanroom: test "replaces it" changed global state: replaced globalThis.crypto',
    ])
  })

  it('takes no baseline while off: a test changes what it likes', async () => {
    const runtime = await start('off')
    runtime.beginTest('changes')
    process.env.CLEANROOM_TEST_OFF = '1'
    undo.push(() => delete process.env.CLEANROOM_TEST_OFF)
    expect(await runtime.endTest()).toBeUndefined()
  })

  it('does not report a runner mock on a global when the runner restores mocks', async () => {
    const runtime = await start('fail')
    runtime.runnerRestoresMocks = true
    runtime.beginTest('spies')
    const spy = vi.spyOn(globalThis, 'fetch')
    undo.push(() => {
      spy.mockRestore()
    })
    expect(await runtime.endTest()).toBeUndefined()
  })

  it('does not report what the runner says it restores itself', async () => {
    const runtime = await start('fail')
    runtime.beginTest('stubs')
    runtime.runnerRestores('process.env.CLEANROOM_TEST_STUB')
    process.env.CLEANROOM_TEST_STUB = '1'
    undo.push(() => delete process.env.CLEANROOM_TEST_STUB)
    expect(await runtime.endTest()).toBeUndefined()
  })
})

describe('the globals option', () => {
  const call = 'installCleanroom'

  it("defaults to 'warn', and takes a mode or { mode, ignore }", () => {
    expect(resolveSettings(validateOptions({}, call), {}).globals).toEqual({
      mode: 'warn',
      ignore: [],
    })
    const ignore = ['process.env.DEBUG']
    expect(
      resolveSettings(validateOptions({ globals: { mode: 'restore', ignore } }, call), {}).globals,
    ).toEqual({ mode: 'restore', ignore })
  })

  it('is overridden by CLEANROOM_GLOBALS, and refuses a value it cannot mean', () => {
    const options = validateOptions({ globals: 'fail' }, call)
    expect(resolveSettings(options, { CLEANROOM_GLOBALS: 'restore' }).globals.mode).toBe('restore')
    expect(resolveSettings(options, { CLEANROOM_GLOBALS: '' }).globals.mode).toBe('fail')
    expect(() => resolveSettings(options, { CLEANROOM_GLOBALS: 'strict' })).toThrow(
      new TypeError(
        'CLEANROOM_GLOBALS: expected restore, fail, warn or off, got "strict". Unset it or give one of those.',
      ),
    )
  })

  it.each([
    [
      { globals: 'loud' },
      "expected `globals` to be one of 'restore', 'fail', 'warn', 'off', got \"loud\"",
    ],
    [
      { globals: {} },
      "expected `globals.mode` to be one of 'restore', 'fail', 'warn', 'off', got undefined",
    ],
    [{ globals: { mode: 'warn', ignores: [] } }, 'unknown option `ignores`'],
    [
      { globals: { mode: 'warn', ignore: 'DEBUG' } },
      'expected `globals.ignore` to be an array, got "DEBUG"',
    ],
    [
      { globals: { mode: 'warn', ignore: [42] } },
      'expected `globals.ignore[0]` to be a string, a RegExp or a function, got 42',
    ],
  ])('refuses %j with a TypeError naming it', (options, text) => {
    expect(() => validateOptions(options, call)).toThrow(TypeError)
    expect(() => validateOptions(options, call)).toThrow(text)
  })
})

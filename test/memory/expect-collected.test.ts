import { afterEach, describe, expect, it } from 'vitest'
// Internal: the runtime as an adapter installs it, and the public helper that reaches it.
import { NoActiveScopeError, NotCollectedError } from '../../src/core/errors.ts'
import { expectCollected } from '../../src/runtime/helpers.ts'
import { resolveSettings } from '../../src/runtime/options.ts'
import { installed, Runtime } from '../../src/runtime/runtime.ts'

const thisFile = 'test/memory/expect-collected.test.ts'
/** A module-level array, as an application's cache would be. */
const sessions: object[] = []

afterEach(async () => {
  sessions.length = 0
  const runtime = installed.runtime
  installed.runtime = undefined
  await runtime?.endWorker()
})

/** Installs a runtime, memory checks off (expectCollected needs none), a file begun. */
async function install(): Promise<Runtime> {
  const runtime = new Runtime(resolveSettings({ leaks: 'off', globals: 'off' }, {}))
  installed.runtime = runtime
  await runtime.beginFile(thisFile)
  return runtime
}

/** A test body's allocation, made in a function of its own so no frame of the test holds it. */
function openSession(user: string): { user: string; buffer: number[] } {
  return { user, buffer: new Array<number>(1_000).fill(1.5) }
}

describe('expectCollected', () => {
  it('passes for an object the test dropped (5 runs)', async () => {
    const runtime = await install()
    for (let run = 0; run < 5; run++) {
      runtime.beginTest('drops its session')
      expectCollected(openSession('ada'), 'session')
      expect(await runtime.endTest()).toBeUndefined()
    }
  })

  it('fails for an object kept in a module-level array, naming the label and the call site (5 runs)', async () => {
    const runtime = await install()
    for (let run = 0; run < 5; run++) {
      runtime.beginTest('keeps its session')
      const session = openSession('ada')
      sessions.push(session)
      expectCollected(session, 'session of ada')
      const failure = await runtime.endTest()
      expect(failure).toBeInstanceOf(NotCollectedError)
      const error = failure as NotCollectedError
      expect(error.code).toBe('ERR_CLEANROOM_NOT_COLLECTED')
      expect(error.owner).toBe('test "keeps its session"')
      expect(error.values).toEqual([
        {
          label: 'session of ada',
          site: expect.stringMatching(new RegExp(`^${thisFile}:\\d+:\\d+$`)) as string,
        },
      ])
      expect(error.message).toMatch(
        new RegExp(
          `^test "keeps its session": 1 value expected to be garbage is still reachable after the test's teardown and a forced garbage collection:\\n  - session of ada \\(expectCollected at ${thisFile}:\\d+:\\d+\\)\\nSomething still holds a reference: a module-level array`,
        ),
      )
      expect(error.stack).toMatch(new RegExp(`\\n    at ${thisFile}:\\d+:\\d+$`))
      sessions.length = 0
    }
  })

  it('lists only the values still reachable, and names an unlabelled one by its type', async () => {
    const runtime = await install()
    runtime.beginTest('keeps one of two')
    expectCollected(openSession('grace'), 'dropped')
    const kept = new Map([['ada', openSession('ada')]])
    sessions.push(kept)
    expectCollected(kept)
    const error = (await runtime.endTest()) as NotCollectedError
    expect(error.values.map((value) => value.label)).toEqual(['a Map'])
  })

  it('fails a value captured by a file-level holder, which outlives the test', async () => {
    const runtime = await install()
    const fileScope: { held?: object } = {}
    runtime.beginTest('hands its session to the file')
    const session = openSession('ada')
    fileScope.held = session
    expectCollected(session, 'session')
    expect(await runtime.endTest()).toBeInstanceOf(NotCollectedError)
    delete fileScope.held
  })

  it('is checked once: the next test does not inherit an expectation', async () => {
    const runtime = await install()
    runtime.beginTest('keeps its session')
    const session = openSession('ada')
    sessions.push(session)
    expectCollected(session, 'session')
    expect(await runtime.endTest()).toBeInstanceOf(NotCollectedError)
    runtime.beginTest('does nothing')
    expect(await runtime.endTest()).toBeUndefined()
  })

  it('throws NoActiveScopeError outside a test, and before cleanroom is installed', async () => {
    expect(() => {
      expectCollected({})
    }).toThrow(NoActiveScopeError)
    expect(() => {
      expectCollected({})
    }).toThrow('expectCollected() was called, but cleanroom is not installed in this process')
    await install()
    expect(() => {
      expectCollected({})
    }).toThrow(
      'expectCollected() applies to the running test, and no test is running: call it inside a test.',
    )
  })

  it('refuses a primitive and a label that is not a string', async () => {
    const runtime = await install()
    runtime.beginTest('misuses it')
    const call = expectCollected as (...args: unknown[]) => void
    expect(() => {
      call('a string')
    }).toThrow(
      'expectCollected: expected `value` to be an object or a function (a primitive is never garbage collected), got "a string"',
    )
    expect(() => {
      call({}, 42)
    }).toThrow('expectCollected: expected `label` to be a string, got 42')
    await runtime.endTest()
  })
})

import type { RunnerHooks } from 'cleanroom/hooks'

type Hook = (...args: never[]) => unknown
type HookName = 'beforeEach' | 'afterEach' | 'beforeAll' | 'afterAll'

/** A stand-in runner, and how a test drives the hooks it was given. */
export interface FakeRunner {
  readonly runner: RunnerHooks
  /** Runs every hook registered as `name`, in order, with `args`. */
  readonly run: (name: HookName, ...args: unknown[]) => Promise<void>
  /** Runs one test's hooks around `body`; resolves with what `afterEach` threw, if anything. */
  readonly test: (name: string, body: () => void | Promise<void>) => Promise<unknown>
}

/** A stand-in runner: it records the hooks it is given, and the test drives them. */
export function fakeRunner(): FakeRunner {
  const hooks: Record<HookName, Hook[]> = {
    beforeEach: [],
    afterEach: [],
    beforeAll: [],
    afterAll: [],
  }
  const registrar = (name: HookName) => (hook: Hook) => void hooks[name].push(hook)
  const runner: RunnerHooks = {
    beforeEach: registrar('beforeEach'),
    afterEach: registrar('afterEach'),
    beforeAll: registrar('beforeAll'),
    afterAll: registrar('afterAll'),
    testName: (name: string) => name,
  }
  const run = async (name: HookName, ...args: unknown[]): Promise<void> => {
    for (const hook of hooks[name]) await (hook as (...args: unknown[]) => unknown)(...args)
  }
  const test = async (name: string, body: () => void | Promise<void>): Promise<unknown> => {
    await run('beforeEach', name)
    await body()
    return run('afterEach').then(
      () => undefined,
      (error: unknown) => error,
    )
  }
  return { runner, run, test }
}

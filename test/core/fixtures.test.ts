import { describe, expect, it } from 'vitest'
import { createScope, defineFixture, FixtureLevelError } from 'cleanroom'

/** A worker › file › test chain, as the runner adapters build it. */
function levels() {
  const worker = createScope({ name: 'worker', level: 'worker' })
  const file = worker.child('file', { level: 'file' })
  return { worker, file, test: (name: string) => file.child(name, { level: 'test' }) }
}

describe('fixtures', () => {
  it('creates a fixture lazily, once per scope of its level', async () => {
    const created: string[] = []
    const perFile = defineFixture({
      name: 'perFile',
      level: 'file',
      setup: () => {
        created.push('perFile')
        return { id: created.length }
      },
    })
    const perTest = defineFixture({
      name: 'perTest',
      setup: () => {
        created.push('perTest')
        return created.length
      },
    })
    const { worker, test } = levels()
    expect(created).toEqual([])
    const first = test('first')
    const fileValue = await first.use(perFile)
    expect(await first.use(perFile)).toBe(fileValue)
    await first.use(perTest)
    await first.dispose()
    const second = test('second')
    expect(await second.use(perFile)).toBe(fileValue)
    await second.use(perTest)
    await second.dispose()
    expect(created).toEqual(['perFile', 'perTest', 'perTest'])
    await worker.dispose()
  })

  it('shares one instance between concurrent uses', async () => {
    let setups = 0
    const slow = defineFixture({
      name: 'slow',
      setup: async () => {
        setups++
        await new Promise((resolve) => setTimeout(resolve, 10))
        return 'ready'
      },
    })
    const scope = createScope()
    expect(await Promise.all([scope.use(slow), scope.use(slow), scope.use(slow)])).toEqual([
      'ready',
      'ready',
      'ready',
    ])
    expect(setups).toBe(1)
    await scope.dispose()
  })

  it('tears a fixture down when its level ends, after everything that uses it', async () => {
    const log: string[] = []
    const database = defineFixture({
      name: 'database',
      level: 'worker',
      setup: (_, scope) => {
        scope.defer(() => void log.push('close database'))
        return { url: 'memory://test' }
      },
    })
    const schema = defineFixture({
      name: 'schema',
      level: 'file',
      deps: { database },
      setup: ({ database }, scope) => {
        scope.defer(() => void log.push('drop schema'))
        return `${database.url}/schema`
      },
    })
    const user = defineFixture({
      name: 'user',
      deps: { schema, database },
      setup: ({ schema }, scope) => {
        scope.defer(() => void log.push('delete user'))
        return { schema, name: 'ada' }
      },
    })
    const { worker, file, test } = levels()
    const t = test('creates a user')
    expect(await t.use(user)).toEqual({ schema: 'memory://test/schema', name: 'ada' })
    await t.dispose()
    expect(log).toEqual(['delete user'])
    await file.dispose()
    expect(log).toEqual(['delete user', 'drop schema'])
    await worker.dispose()
    expect(log).toEqual(['delete user', 'drop schema', 'close database'])
  })

  it('passes the fixture its own scope, so what setup tracks lives as long as the fixture', async () => {
    const fixture = defineFixture({
      name: 'controller',
      setup: (_, scope) => ({ scope: scope.name, controller: scope.track(new AbortController()) }),
    })
    const test = createScope({ name: 'test', level: 'test' })
    const value = await test.use(fixture)
    expect(value.scope).toBe('fixture controller')
    expect(value.controller.signal.aborted).toBe(false)
    const report = await test.dispose()
    expect(value.controller.signal.aborted).toBe(true)
    expect(report.entries[0]).toMatchObject({
      kind: 'abort-controller',
      scope: 'test › fixture controller',
    })
  })

  it('keeps a failed setup’s rejection for every use, and disposes what it tracked', async () => {
    let setups = 0
    const released: string[] = []
    const broken = defineFixture({
      name: 'broken',
      setup: (_, scope) => {
        setups++
        scope.defer(() => void released.push('partial'))
        throw new Error('cannot connect')
      },
    })
    const scope = createScope()
    await expect(scope.use(broken)).rejects.toThrow('cannot connect')
    await expect(scope.use(broken)).rejects.toThrow('cannot connect')
    expect(setups).toBe(1)
    await scope.dispose()
    expect(released).toEqual(['partial'])
  })

  it('refuses, at definition, a dependency on a shorter-lived fixture', () => {
    const perTest = defineFixture({ name: 'perTest', setup: () => 1 })
    const define = () =>
      defineFixture({
        name: 'shared',
        level: 'worker',
        deps: { perTest },
        setup: ({ perTest }) => perTest,
      })
    expect(define).toThrow(FixtureLevelError)
    expect(define).toThrow(
      'Fixture "shared" (worker level) cannot depend on "perTest" (test level): a worker fixture outlives every test and would keep using it after its teardown. Give "perTest" level \'worker\' (or a longer one), or give "shared" level \'test\'.',
    )
    try {
      define()
    } catch (error) {
      expect((error as FixtureLevelError).code).toBe('ERR_CLEANROOM_FIXTURE_LEVEL')
    }
  })

  it('refuses a test fixture used where no test scope is open', async () => {
    const perTest = defineFixture({ name: 'perTest', setup: () => 1 })
    const { worker, file } = levels()
    await expect(file.use(perTest)).rejects.toThrow(FixtureLevelError)
    await expect(file.use(perTest)).rejects.toThrow(
      'Fixture "perTest" is a test-level fixture, but scope "worker › file" has no test scope around it to host it. Use it inside a test, or define it with a level that is open here.',
    )
    await worker.dispose()
  })

  it('refuses a fixture used from a disposed scope, naming the fixture', async () => {
    const db = defineFixture({ name: 'db', setup: () => 1 })
    const repo = defineFixture({ name: 'repo', deps: { db }, setup: ({ db }) => db })
    const scope = createScope({ name: 'gone' })
    await scope.dispose()
    await expect(scope.use(repo)).rejects.toThrow(
      'Cannot use fixture "repo": scope "gone" is disposed.',
    )
  })

  it('is hosted by a scope without a level when no scope of its level is open', async () => {
    const perFile = defineFixture({ name: 'perFile', level: 'file', setup: () => 'shared' })
    const root = createScope({ name: 'root' })
    const child = root.child('child')
    expect(await child.use(perFile)).toBe('shared')
    const report = await root.dispose()
    expect(report.totals.entries).toBe(0)
    expect(child.state).toBe('disposed')
  })
})

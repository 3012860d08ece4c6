import { describe, expect, it } from 'vitest'
import { createScope, defineFixture, type Scope } from 'cleanroom'
import { sleep } from '../helpers/timing.ts'

/** An async disposer that logs its start and end around `ms` of real time. */
function logged(events: string[], name: string, ms: number): () => Promise<void> {
  return async () => {
    events.push(`start ${name}`)
    await sleep(ms)
    events.push(`end ${name}`)
  }
}

/** Tracks a fresh object whose disposal appends `name` to `log`. */
function resource(scope: Scope, log: string[], name: string, dependsOn?: object[]): object {
  return scope.track(
    { name },
    {
      dispose: () => void log.push(name),
      label: name,
      ...(dependsOn === undefined ? {} : { dependsOn }),
    },
  )
}

describe('lifo order', () => {
  it('disposes in reverse creation order', async () => {
    const scope = createScope()
    const log: string[] = []
    resource(scope, log, 'a')
    resource(scope, log, 'b')
    scope.defer(() => void log.push('c'), { label: 'c' })
    resource(scope, log, 'd')
    const report = await scope.dispose()
    expect(log).toEqual(['d', 'c', 'b', 'a'])
    expect(report.entries.map((entry) => entry.label)).toEqual(['d', 'c', 'b', 'a'])
    expect(report.totals).toMatchObject({ entries: 4, ok: 4, error: 0, timeout: 0 })
  })

  it('awaits each async disposer before starting the next', async () => {
    const scope = createScope()
    const log: string[] = []
    for (const name of ['a', 'b', 'c']) {
      scope.defer(async () => {
        log.push(`start ${name}`)
        await sleep(5)
        log.push(`end ${name}`)
      })
    }
    await scope.dispose()
    expect(log).toEqual(['start c', 'end c', 'start b', 'end b', 'start a', 'end a'])
  })

  it('lets a dependsOn edge from a child scope win over creation order', async () => {
    const parent = createScope({ name: 'parent' })
    const log: string[] = []
    const child = parent.child('child')
    // Tracked after the child was created: plain LIFO would dispose it before the child.
    const pool = resource(parent, log, 'pool')
    resource(child, log, 'repository', [pool])
    resource(parent, log, 'cache')
    await parent.dispose()
    expect(log).toEqual(['cache', 'repository', 'pool'])
  })

  it('orders a value after a sibling scope’s value it depends on', async () => {
    const file = createScope({ name: 'file', order: 'dependencies', concurrency: 4 })
    const events: string[] = []
    const fixtureScope = file.child('fixture db')
    const db = fixtureScope.track(
      { db: true },
      {
        label: 'db',
        dispose: logged(events, 'db', 1),
      },
    )
    const test = file.child('test')
    test.track(
      { repo: true },
      {
        label: 'repo',
        dependsOn: [db],
        dispose: logged(events, 'repo', 20),
      },
    )
    await file.dispose()
    // Without the edge the two sibling scopes would run side by side.
    expect(events).toEqual(['start repo', 'end repo', 'start db', 'end db'])
  })

  it('lets a value depend on a test-level fixture’s value', async () => {
    const log: string[] = []
    const db = defineFixture({
      name: 'db',
      setup: (_, scope) =>
        scope.track({ db: true }, { label: 'db', dispose: () => void log.push('db') }),
    })
    const test = createScope({ name: 'test', level: 'test', order: 'dependencies', concurrency: 4 })
    const value = await test.use(db)
    test.track(
      { repo: true },
      {
        label: 'repo',
        dependsOn: [value],
        dispose: async () => {
          await sleep(20)
          log.push('repo')
        },
      },
    )
    await test.dispose()
    // The fixture's scope is a child of the test scope; without the edge it would be disposed
    // alongside the slower repo and finish first.
    expect(log).toEqual(['repo', 'db'])
  })

  it('disposes a child scope with its parent, child entries first', async () => {
    const parent = createScope({ name: 'parent' })
    const log: string[] = []
    resource(parent, log, 'parent-early')
    const child = parent.child('child')
    resource(child, log, 'child-1')
    resource(child, log, 'child-2')
    const report = await parent.dispose()
    expect(log).toEqual(['child-2', 'child-1', 'parent-early'])
    expect(child.state).toBe('disposed')
    expect(report.entries.map((entry) => entry.scope)).toEqual([
      'parent › child',
      'parent › child',
      'parent',
    ])
  })

  it('detaches a child disposed on its own, so the parent does not dispose it again', async () => {
    const parent = createScope({ name: 'parent' })
    const log: string[] = []
    resource(parent, log, 'parent-entry')
    const child = parent.child('child')
    resource(child, log, 'child-entry')
    await child.dispose()
    const report = await parent.dispose()
    expect(log).toEqual(['child-entry', 'parent-entry'])
    expect(report.entries.map((entry) => entry.label)).toEqual(['parent-entry'])
  })

  it('disposes fixture dependents before the fixtures they use', async () => {
    const log: string[] = []
    const database = defineFixture({
      name: 'database',
      setup: (_, scope) => {
        scope.defer(() => void log.push('database'))
        return 'db'
      },
    })
    const service = defineFixture({
      name: 'service',
      deps: { database },
      setup: ({ database }, scope) => {
        scope.defer(() => void log.push('service'))
        return `service on ${database}`
      },
    })
    const scope = createScope()
    // The database is created first, by the service's setup; a later entry of the scope
    // itself comes before both.
    expect(await scope.use(service)).toBe('service on db')
    resource(scope, log, 'request')
    await scope.dispose()
    expect(log).toEqual(['request', 'service', 'database'])
  })
})

describe("order: 'dependencies'", () => {
  it('runs independent disposers concurrently, never more than `concurrency` at once', async () => {
    const scope = createScope({ order: 'dependencies', concurrency: 3 })
    let running = 0
    let peak = 0
    const windows: [number, number][] = []
    for (let index = 0; index < 9; index++) {
      scope.defer(async () => {
        const start = performance.now()
        peak = Math.max(peak, ++running)
        await sleep(25)
        running--
        windows.push([start, performance.now()])
      })
    }
    const started = performance.now()
    await scope.dispose()
    const elapsed = performance.now() - started
    expect(peak).toBe(3)
    // Nine 25 ms disposers three at a time take about three rounds, far less than nine.
    expect(elapsed).toBeLessThan(9 * 25 * 0.66)
    const overlapping = windows.filter(([start]) =>
      windows.some(([otherStart, otherEnd]) => otherStart < start && start < otherEnd),
    )
    expect(overlapping.length).toBeGreaterThan(0)
  })

  it('still disposes every dependent before its dependencies', async () => {
    const scope = createScope({ order: 'dependencies', concurrency: 8 })
    const events: string[] = []
    const track = (name: string, dependsOn: object[] = []) =>
      scope.track(
        { name },
        {
          label: name,
          dependsOn,
          dispose: async () => {
            events.push(`start ${name}`)
            await sleep(name === 'api' ? 20 : 2)
            events.push(`end ${name}`)
          },
        },
      )
    const db = track('db')
    const cache = track('cache')
    const repo = track('repo', [db])
    track('api', [repo, cache])
    track('metrics')
    await scope.dispose()
    const at = (event: string) => events.indexOf(event)
    expect(at('end api')).toBeLessThan(at('start repo'))
    expect(at('end api')).toBeLessThan(at('start cache'))
    expect(at('end repo')).toBeLessThan(at('start db'))
    // metrics depends on nothing and nothing depends on it: it runs alongside api.
    expect(at('start metrics')).toBeLessThan(at('end api'))
  })

  it('keeps fixture dependency edges: a fixture is torn down after its dependents', async () => {
    const events: string[] = []
    const database = defineFixture({
      name: 'database',
      setup: (_, scope) => {
        scope.defer(() => void events.push('database'))
        return 1
      },
    })
    const service = defineFixture({
      name: 'service',
      deps: { database },
      setup: ({ database }, scope) => {
        scope.defer(async () => {
          await sleep(20)
          events.push('service')
        })
        return database + 1
      },
    })
    const scope = createScope({ order: 'dependencies', concurrency: 4 })
    expect(await scope.use(service)).toBe(2)
    await scope.dispose()
    // Without the edge the two fixture scopes would run side by side and the database,
    // having no 20 ms wait, would finish first.
    expect(events).toEqual(['service', 'database'])
  })

  it('waits for an async disposer already running before its dependencies', async () => {
    const scope = createScope({ order: 'dependencies', concurrency: 4 })
    const events: string[] = []
    scope.track(
      { name: 'independent' },
      { label: 'independent', dispose: () => void events.push('independent') },
    )
    const db = scope.track({ name: 'db' }, { label: 'db', dispose: () => void events.push('db') })
    scope.track(
      { name: 'repo' },
      {
        label: 'repo',
        dependsOn: [db],
        dispose: logged(events, 'repo', 20),
      },
    )
    scope.track({ name: 'sync' }, { label: 'sync', dispose: () => void events.push('sync') })
    await scope.dispose()
    // sync and repo run first (newest first); independent need not wait for repo, db must.
    expect(events.slice(0, 2)).toEqual(['sync', 'start repo'])
    expect(events.indexOf('independent')).toBeLessThan(events.indexOf('end repo'))
    expect(events.indexOf('db')).toBeGreaterThan(events.indexOf('end repo'))
  })

  it('ignores creation order when no edge constrains it', async () => {
    const scope = createScope({ order: 'dependencies', concurrency: 1 })
    const log: string[] = []
    const first = resource(scope, log, 'first')
    resource(scope, log, 'second')
    resource(scope, log, 'third', [first])
    await scope.dispose()
    expect(log.indexOf('third')).toBeLessThan(log.indexOf('first'))
    expect(log).toHaveLength(3)
  })
})

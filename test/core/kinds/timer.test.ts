import { builtinKinds, createScope } from 'cleanroom'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { activeResources, expectResourcesBackTo } from './active-resources.ts'

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('timer kind', () => {
  test('clears an interval: its callback never runs again', async () => {
    const baseline = activeResources()
    const scope = createScope()
    let runs = 0
    scope.track(
      setInterval(function poll() {
        runs++
      }, 5),
    )
    await sleep(20)
    expect(runs).toBeGreaterThan(0)

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'timer', label: 'setInterval(poll, 5 ms)', outcome: 'ok' },
    ])
    const runsAtDispose = runs
    await sleep(30)
    expect(runs).toBe(runsAtDispose)
    await expectResourcesBackTo(baseline)
  })

  test('clears a timeout before it fires', async () => {
    const baseline = activeResources()
    const scope = createScope()
    const fired = vi.fn()
    scope.track(
      setTimeout(() => {
        fired()
      }, 30_000),
    )

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'timer', label: 'setTimeout(anonymous, 30000 ms)', outcome: 'ok' },
    ])
    await expectResourcesBackTo(baseline)
    expect(fired).not.toHaveBeenCalled()
  })

  test('clears an immediate before it runs', async () => {
    const scope = createScope()
    let ran = false
    scope.track(
      setImmediate(function tick() {
        ran = true
      }),
    )
    // dispose() starts the disposer synchronously, before this turn's immediates run.
    const report = await scope.dispose()
    await new Promise((resolve) => setImmediate(resolve))
    expect(report.entries).toMatchObject([{ kind: 'timer', label: 'setImmediate(tick)' }])
    expect(ran).toBe(false)
  })

  test('describes a timeout that already fired', async () => {
    const scope = createScope()
    scope.track(setTimeout(function done() {}, 1))
    await sleep(10)
    const report = await scope.dispose()
    expect(report.entries).toMatchObject([
      { kind: 'timer', label: 'setTimeout(done, 1 ms) (done)', outcome: 'ok' },
    ])
  })

  test('clears with the real functions, whatever replaced the global ones', async () => {
    const scope = createScope()
    let intervalRuns = 0
    let immediateRan = false
    scope.track(setInterval(() => intervalRuns++, 5))
    scope.track(
      setImmediate(() => {
        immediateRan = true
      }),
    )
    // Like fake timers that ignore the real timers they are handed (Jest's legacy ones).
    vi.stubGlobal('clearTimeout', () => undefined)
    vi.stubGlobal('clearInterval', () => undefined)
    vi.stubGlobal('clearImmediate', () => undefined)

    await scope.dispose()

    vi.unstubAllGlobals()
    const runsAtDispose = intervalRuns
    await sleep(30)
    expect(intervalRuns).toBe(runsAtDispose)
    expect(immediateRan).toBe(false)
  })

  test("does not match fake timers' objects, which no real clear can cancel", () => {
    const timerKind = builtinKinds.find((kind) => kind.name === 'timer')
    vi.useFakeTimers()
    const fake = setTimeout(() => undefined, 10)
    expect(timerKind?.match(fake)).toBe(false)
    clearTimeout(fake)
  })
})

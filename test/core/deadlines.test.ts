import FakeTimers from '@sinonjs/fake-timers'
import { describe, expect, it } from 'vitest'
import { CleanupError, createScope, DisposeTimeoutError } from 'cleanroom'
import { never, now, sleep } from '../helpers/timing.ts'

async function disposeError(scope: { dispose(): Promise<unknown> }): Promise<CleanupError> {
  const error = await scope.dispose().then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(CleanupError)
  return error as CleanupError
}

describe('per-disposer deadlines', () => {
  it('times out a hanging disposer, reports it, and goes on with the rest', async () => {
    const scope = createScope({ name: 'api', timeout: 40 })
    const ran: string[] = []
    scope.defer(() => void ran.push('after'), { label: 'after' })
    scope.defer(never, { label: 'stuck server' })
    scope.defer(() => void ran.push('before'), { label: 'before' })
    const started = now()
    const error = await disposeError(scope)
    const elapsed = now() - started
    expect(ran).toEqual(['before', 'after'])
    expect(elapsed).toBeGreaterThanOrEqual(35)
    expect(elapsed).toBeLessThan(1_000)
    const [timeout] = error.errors
    expect(timeout).toBeInstanceOf(DisposeTimeoutError)
    expect((timeout as DisposeTimeoutError).timeout).toBe(40)
    expect(timeout?.message).toMatch(
      /^Cleanup of "stuck server" \(created at test\/core\/deadlines\.test\.ts:\d+:\d+\) in scope "api" timed out: it did not settle within its 40 ms timeout\. It was left behind and the other cleanups went on\. Raise its `timeout`, or find what its cleanup waits for\.$/,
    )
    const entry = error.report.entries.find((e) => e.label === 'stuck server')
    expect(entry?.outcome).toBe('timeout')
    expect(entry?.duration).toBeGreaterThanOrEqual(35)
  })

  it('lets an entry’s own timeout override the scope’s', async () => {
    const scope = createScope({ timeout: 5_000 })
    scope.defer(never, { label: 'quick deadline', timeout: 20 })
    const started = now()
    const error = await disposeError(scope)
    expect(now() - started).toBeLessThan(1_000)
    expect((error.errors[0] as DisposeTimeoutError).timeout).toBe(20)
  })

  it('keeps its deadline on real time while a test left fake timers installed', async () => {
    // What Jest's and Vitest's fake timers replace; process.nextTick and queueMicrotask stay
    // real here, as the test runner itself depends on them.
    const clock = FakeTimers.withGlobal(globalThis).install({
      toFake: [
        'setTimeout',
        'clearTimeout',
        'setInterval',
        'clearInterval',
        'setImmediate',
        'clearImmediate',
        'Date',
        'hrtime',
        'performance',
      ],
    })
    try {
      expect(globalThis.setTimeout).not.toBe(FakeTimers.timers.setTimeout)
      const scope = createScope({ timeout: 30 })
      scope.defer(never, { label: 'hangs under fake timers' })
      scope.defer(async () => {
        // A disposer that waits on the (fake) global timers would hang too; this one does not.
        await Promise.resolve()
      })
      const error = await disposeError(scope)
      expect(error.errors).toHaveLength(1)
      expect(error.errors[0]).toBeInstanceOf(DisposeTimeoutError)
      // The fake clock never moved: the deadline ran on the real timers.
      expect(clock.now).toBe(0)
    } finally {
      clock.uninstall()
    }
  })
})

describe('the scope budget', () => {
  it('caps each deadline by what is left, then gives the rest a last chance', async () => {
    const scope = createScope({ name: 'budgeted', timeout: 10_000, budget: 250 })
    const ran: string[] = []
    scope.defer(() => void ran.push('fast, after the budget'), { label: 'fast' })
    scope.defer(never, { label: 'second hang' })
    scope.defer(never, { label: 'first hang' })
    const started = now()
    const error = await disposeError(scope)
    const elapsed = now() - started
    // 250 ms of budget for the first hang, then a last chance of 100 ms for the second.
    expect(elapsed).toBeGreaterThanOrEqual(340)
    expect(elapsed).toBeLessThan(2_000)
    expect(ran).toEqual(['fast, after the budget'])
    const [first, second] = error.errors
    expect(first).toBeInstanceOf(DisposeTimeoutError)
    expect(second).toBeInstanceOf(DisposeTimeoutError)
    expect(first?.resource.label).toBe('first hang')
    expect(Number.isInteger((first as DisposeTimeoutError).timeout)).toBe(true)
    expect((first as DisposeTimeoutError).timeout).toBeLessThanOrEqual(250)
    expect((first as DisposeTimeoutError).timeout).toBeGreaterThan(200)
    expect(first?.message).toMatch(
      /it did not settle within the 2\d\d ms left of the scope's budget/,
    )
    expect((first as DisposeTimeoutError).limit).toBe('budget')
    expect((second as DisposeTimeoutError).limit).toBe('last-chance')
    expect(second?.resource.label).toBe('second hang')
    expect((second as DisposeTimeoutError).timeout).toBe(100)
    expect(second?.message).toContain('last-chance deadline of 100 ms passed')
    expect(second?.message).toContain('Raise the scope `budget`')
    expect(error.report.entries.map((e) => e.outcome)).toEqual(['timeout', 'timeout', 'ok'])
  })

  it('shares the remaining budget with child scopes', async () => {
    const parent = createScope({ budget: 80, timeout: 10_000 })
    const child = parent.child('child', { budget: 10_000 })
    child.defer(never, { label: 'hang in child' })
    const started = now()
    const error = await disposeError(parent)
    expect(now() - started).toBeLessThan(1_000)
    expect(error.errors.map((e) => e.resource.label)).toEqual(['hang in child'])
  })

  it('does not let a slow but finishing disposer count as a failure', async () => {
    const scope = createScope({ timeout: 200 })
    scope.defer(() => sleep(20), { label: 'slow' })
    const report = await scope.dispose()
    expect(report.entries[0]?.outcome).toBe('ok')
    expect(report.entries[0]?.duration).toBeGreaterThanOrEqual(15)
  })
})

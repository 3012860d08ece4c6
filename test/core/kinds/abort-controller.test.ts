import { createScope } from 'cleanroom'
import { describe, expect, test } from 'vitest'

describe('abort-controller kind', () => {
  test('aborts the controller, so its signal listeners run', async () => {
    const scope = createScope()
    const controller = scope.track(new AbortController())
    let aborted = 0
    controller.signal.addEventListener('abort', () => aborted++)

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'abort-controller', label: 'abort controller', outcome: 'ok' },
    ])
    expect(controller.signal.aborted).toBe(true)
    expect((controller.signal.reason as DOMException).name).toBe('AbortError')
    expect(aborted).toBe(1)
  })

  test('keeps the reason of a controller already aborted', async () => {
    const scope = createScope()
    const controller = scope.track(new AbortController())
    const reason = new Error('user cancelled')
    controller.abort(reason)

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'abort-controller', label: 'abort controller (aborted)', outcome: 'ok' },
    ])
    expect(controller.signal.reason).toBe(reason)
  })
})

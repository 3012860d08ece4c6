import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import { createScope } from 'cleanroom'
import { describe, expect, test } from 'vitest'
import { activeResources, expectResourcesBackTo } from './active-resources.ts'

describe('worker kind', () => {
  test('terminates a running worker and waits for it to exit', async () => {
    const baseline = activeResources()
    const scope = createScope()
    const worker = scope.track(new Worker('setInterval(() => {}, 1000)', { eval: true }))
    await once(worker, 'online')
    const threadId = worker.threadId
    let exitCode: number | undefined
    worker.on('exit', (code) => (exitCode = code))

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'worker', label: `worker thread ${threadId}`, outcome: 'ok' },
    ])
    expect(exitCode).toBe(1)
    expect(worker.threadId).toBe(-1)
    await expectResourcesBackTo(baseline)
  })

  test('resolves for a worker that already exited', async () => {
    const scope = createScope()
    const worker = scope.track(new Worker('', { eval: true }))
    await once(worker, 'exit')
    const report = await scope.dispose()
    expect(report.entries).toMatchObject([
      { kind: 'worker', label: 'worker thread (exited)', outcome: 'ok' },
    ])
  })
})

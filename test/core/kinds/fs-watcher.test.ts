import { once } from 'node:events'
import { mkdtempSync, rmSync, watch, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createScope } from 'cleanroom'
import { afterAll, describe, expect, test } from 'vitest'
import { activeResources, expectResourcesBackTo } from './active-resources.ts'

const dir = mkdtempSync(join(tmpdir(), 'cleanroom-fs-watcher-'))

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

describe('fs-watcher kind', () => {
  test.each([
    ['a watcher', false],
    ['a recursive watcher', true],
  ])('closes %s: it no longer fires', async (_name, recursive) => {
    const baseline = activeResources()
    const scope = createScope()
    let events = 0
    const watcher = scope.track(watch(dir, { recursive }, () => events++))
    // Prove it fires before disposal (a recursive watcher starts asynchronously on Linux).
    for (let attempt = 0; events === 0 && attempt < 50; attempt++) {
      writeFileSync(join(dir, 'before.txt'), String(attempt))
      await sleep(20)
    }
    expect(events).toBeGreaterThan(0)
    const closed = once(watcher, 'close')

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'fs-watcher', label: 'fs watcher', outcome: 'ok' },
    ])
    await closed
    const eventsAtDispose = events
    writeFileSync(join(dir, 'after.txt'), 'after')
    await sleep(50)
    expect(events).toBe(eventsAtDispose)
    await expectResourcesBackTo(baseline)
  })

  test('resolves for a watcher already closed', async () => {
    const scope = createScope()
    scope.track(watch(dir)).close()
    const report = await scope.dispose()
    expect(report.entries).toMatchObject([{ kind: 'fs-watcher', outcome: 'ok' }])
  })
})

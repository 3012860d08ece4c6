import { fork, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { createScope } from 'cleanroom'
import { describe, expect, test } from 'vitest'
import { activeResources, expectResourcesBackTo } from './active-resources.ts'

const idleChild = fileURLToPath(new URL('../../fixtures/idle-child.mjs', import.meta.url))

describe('child-process kind', () => {
  test('stops a running child with SIGTERM and waits for its exit', async () => {
    const baseline = activeResources()
    const scope = createScope()
    const child = scope.track(spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']))
    await once(child, 'spawn')
    let exited = false
    child.on('exit', () => (exited = true))

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      {
        kind: 'child-process',
        label: `child process ${child.pid} (node -e setInterval(() => {}, 1000))`,
        outcome: 'ok',
      },
    ])
    expect(exited).toBe(true)
    expect(child.signalCode).toBe('SIGTERM')
    expect(child.stdout.destroyed).toBe(true)
    await expectResourcesBackTo(baseline)
  })

  test('kills a child that ignores SIGTERM with SIGKILL after the grace', async () => {
    const baseline = activeResources()
    const scope = createScope()
    const script =
      "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('ready')"
    const child = scope.track(spawn(process.execPath, ['-e', script]))
    // Only once the handler is installed does SIGTERM get ignored.
    await once(child.stdout, 'data')

    const report = await scope.dispose()

    expect(report.entries[0]?.outcome).toBe('ok')
    expect(report.entries[0]?.duration).toBeGreaterThanOrEqual(1_900)
    expect(child.signalCode).toBe('SIGKILL')
    await expectResourcesBackTo(baseline)
  })

  test('stops a forked child and releases its IPC channel', async () => {
    const baseline = activeResources()
    const scope = createScope()
    const child = scope.track(fork(idleChild))
    await once(child, 'message')

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'child-process', label: `child process ${child.pid} (node idle-child.mjs)` },
    ])
    expect(child.signalCode).toBe('SIGTERM')
    expect(child.connected).toBe(false)
    await expectResourcesBackTo(baseline)
  })

  test('only releases the stdio of a child that already exited', async () => {
    const baseline = activeResources()
    const scope = createScope()
    const child = scope.track(spawn(process.execPath, ['-e', 'process.exitCode = 3']))
    await once(child, 'exit')

    const report = await scope.dispose()

    expect(report.entries[0]).toMatchObject({ kind: 'child-process', outcome: 'ok' })
    expect(child.exitCode).toBe(3)
    expect(child.stdout.destroyed).toBe(true)
    expect(child.stderr.destroyed).toBe(true)
    await expectResourcesBackTo(baseline)
  })

  test('resolves at once for a child that failed to spawn', async () => {
    const scope = createScope()
    const child = scope.track(spawn('cleanroom-no-such-command'))
    const failed = once(child, 'error')

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      {
        kind: 'child-process',
        label: 'child process (not spawned) (cleanroom-no-such-command)',
        outcome: 'ok',
      },
    ])
    const [error] = (await failed) as [NodeJS.ErrnoException]
    expect(error.code).toBe('ENOENT')
  })

  test('shortens long commands in its label', async () => {
    const scope = createScope()
    const child = scope.track(spawn(process.execPath, ['-e', `/* ${'x'.repeat(100)} */`]))
    await once(child, 'exit')
    const report = await scope.dispose()
    const label = report.entries[0]?.label ?? ''
    expect(label).toMatch(new RegExp(`^child process ${child.pid} \\(node -e /\\* x+…\\)$`))
    expect(label.length).toBeLessThan(90)
  })
})

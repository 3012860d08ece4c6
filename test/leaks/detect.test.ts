import diagnostics from 'node:diagnostics_channel'
import { once } from 'node:events'
import { Agent, createServer as createHttpServer, get } from 'node:http'
import { createServer, type Server } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
// Internal: the runtime every adapter drives, with leak detection on, as adapters use it.
import { LeakError } from '../../src/core/errors.ts'
import type { LeakOptions } from '../../src/leaks/options.ts'
import { resolveSettings } from '../../src/runtime/options.ts'
import { Runtime, type TeardownFailure } from '../../src/runtime/runtime.ts'
import { createScope } from '../../src/core/scope.ts'
import { scopesOf } from '../../src/runtime/scope-tree.ts'

const running: Runtime[] = []

/** A runtime as an adapter installs it, a file begun; ended after each test of this file. */
async function start(
  leaks: LeakOptions['mode'] | LeakOptions = 'fail',
  env = {},
): Promise<Runtime> {
  const runtime = new Runtime(resolveSettings({ leaks }, env))
  running.push(runtime)
  await runtime.beginFile('test/leaks/detect.test.ts')
  return runtime
}

afterEach(async () => {
  for (const runtime of running.splice(0)) await runtime.endWorker()
})

function leakOf(failure: TeardownFailure): LeakError {
  if (!(failure instanceof LeakError))
    throw new Error(`expected a LeakError, got ${String(failure)}`)
  return failure
}

async function listening(): Promise<Server> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  return server
}

describe('leak detection', () => {
  it('fails a test that leaves an interval running, names it, and clears it', async () => {
    const runtime = await start()
    runtime.beginTest('polls')
    const interval = setInterval(function poll() {}, 1_000)
    const leak = leakOf(await runtime.endTest())
    expect(leak.code).toBe('ERR_CLEANROOM_LEAK')
    expect(leak.owner).toBe('test "polls"')
    expect(leak.message).toBe(
      [
        'test "polls" left 1 resource running:',
        '  - setInterval(poll, 1000 ms)',
        'Close them in the test, or track() them so cleanroom disposes them. They were force-closed.',
        'Run with CLEANROOM_TRACE=1 (or leaks: { mode, trace: true }) to see where each was created.',
      ].join('\n'),
    )
    expect(leak.leaks).toEqual([
      {
        kind: 'timer',
        type: 'Timeout',
        description: 'setInterval(poll, 1000 ms)',
        created: undefined,
        from: undefined,
        count: 1,
        forceClosed: true,
      },
    ])
    expect((interval as unknown as { _destroyed: boolean })._destroyed).toBe(true)
    // The next test starts clean.
    runtime.beginTest('next')
    expect(await runtime.endTest()).toBeUndefined()
  })

  it('passes tests that clear, unref or close what they start', async () => {
    const runtime = await start()
    runtime.beginTest('clean')
    clearInterval(setInterval(() => undefined, 10))
    setTimeout(() => undefined, 10).unref()
    const server = await listening()
    server.close()
    for (let i = 0; i < 1_000; i++) await Promise.resolve(i)
    expect(await runtime.endTest()).toBeUndefined()
  })

  it('names a server with its address and where it was created, in this file', async () => {
    const runtime = await start()
    runtime.beginTest('serves')
    const server = await listening()
    const { port } = server.address() as { port: number }
    const leak = leakOf(await runtime.endTest())
    expect(leak.leaks).toHaveLength(1)
    expect(leak.leaks[0]?.description).toBe(`server 127.0.0.1:${String(port)}`)
    expect(leak.leaks[0]?.created).toMatch(/^test\/leaks\/detect\.test\.ts:\d+:\d+$/)
    expect(leak.stack).toContain(`\n    at ${String(leak.leaks[0]?.created)}`)
    expect(server.listening).toBe(false)
  })

  it('does not count a resource tracked in a scope: the scope disposes it', async () => {
    const runtime = await start()
    const fileScope = scopesOf(runtime, createScope).current
    expect(fileScope.name).toBe('file test/leaks/detect.test.ts')
    runtime.beginTest('uses a file fixture')
    // As a file fixture first used in a test does: created now, tracked in the file's scope.
    const server = fileScope.track(await listening())
    expect(await runtime.endTest()).toBeUndefined()
    expect(server.listening).toBe(true)
    expect(await runtime.endFile()).toBeUndefined()
    expect(server.listening).toBe(false)
  })

  it('passes a test whose HTTP client keeps an idle keep-alive connection, and closes it', async () => {
    const server = createHttpServer((_, response) => response.end('ok')).listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as { port: number }
    const agent = new Agent({ keepAlive: true })
    try {
      const runtime = await start()
      runtime.beginTest('keeps alive')
      await new Promise<void>((resolve, reject) => {
        get(`http://127.0.0.1:${String(port)}/`, { agent }, (response) => {
          response.resume().on('end', resolve)
        }).on('error', reject)
      })
      expect(await (await fetch(`http://127.0.0.1:${String(port)}/`)).text()).toBe('ok')
      // Node unrefs a free keep-alive socket; one held ref'd must not fail the test either.
      const idle = Object.values(agent.freeSockets).flat()
      expect(idle).toHaveLength(1)
      idle[0]?.ref()
      const started = performance.now()
      expect(await runtime.endTest()).toBeUndefined()
      // Not waited for (it would linger for seconds), but closed.
      expect(performance.now() - started).toBeLessThan(90)
      expect(idle[0]?.destroyed).toBe(true)
    } finally {
      agent.destroy()
      server.closeAllConnections()
      server.close()
    }
  })

  it('lets a test leak after allowLeaks(), and does not charge the file with it', async () => {
    const runtime = await start()
    runtime.beginTest('allowed')
    runtime.allowLeaks('the poller is stopped by the file')
    const interval = setInterval(() => undefined, 1_000)
    expect(await runtime.endTest()).toBeUndefined()
    expect(await runtime.endFile()).toBeUndefined()
    clearInterval(interval)
  })

  it('leaves out what an ignore rule matches: a kind, a text, a RegExp, a predicate', async () => {
    for (const rule of [
      'timer',
      'poll',
      /setInterval\(poll/,
      (leak: { kind: string }) => leak.kind === 'timer',
    ]) {
      const runtime = await start({ mode: 'fail', ignore: [rule] })
      runtime.beginTest('ignored')
      const interval = setInterval(function poll() {}, 1_000)
      expect(await runtime.endTest()).toBeUndefined()
      clearInterval(interval)
      await runtime.endWorker()
    }
  })

  it("reports a throwing ignore predicate as the check's failure, not as silence", async () => {
    const runtime = await start({
      mode: 'fail',
      ignore: [
        () => {
          throw new Error('bad rule')
        },
      ],
    })
    runtime.beginTest('rule throws')
    const interval = setInterval(() => undefined, 1_000)
    const failure = await runtime.endTest()
    clearInterval(interval)
    expect(failure?.message).toMatch(
      /checking test "rule throws" for leaks failed: Error: bad rule/,
    )
  })

  it('warns instead of failing in warn mode, and closes nothing with forceClose: false', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    try {
      const runtime = await start({ mode: 'warn', forceClose: false })
      runtime.beginTest('warned')
      const interval = setInterval(function tick() {}, 1_000)
      expect(await runtime.endTest()).toBeUndefined()
      expect(warn).toHaveBeenCalledOnce()
      expect(String(warn.mock.calls[0]?.[0])).toMatch(
        /^cleanroom: test "warned" left 1 resource running:\n {2}- setInterval\(tick, 1000 ms\)\nClose them/,
      )
      expect((interval as unknown as { _destroyed: boolean })._destroyed).toBe(false)
      clearInterval(interval)
    } finally {
      warn.mockRestore()
    }
  })

  it('charges the file with what it started outside its tests', async () => {
    const runtime = await start()
    const timer = setTimeout(function later() {}, 60_000)
    runtime.beginTest('clean')
    expect(await runtime.endTest()).toBeUndefined()
    const leak = leakOf(await runtime.endFile())
    expect(leak.owner).toBe('file test/leaks/detect.test.ts')
    expect(leak.leaks.map((l) => l.description)).toEqual(['setTimeout(later, 60000 ms)'])
    expect((timer as unknown as { _destroyed: boolean })._destroyed).toBe(true)
  })

  it('shows where every leak was created in trace mode (CLEANROOM_TRACE=1)', async () => {
    const runtime = await start('fail', { CLEANROOM_TRACE: '1' })
    runtime.beginTest('traced')
    setInterval(function poll() {}, 1_000)
    const leak = leakOf(await runtime.endTest())
    expect(leak.leaks[0]?.created).toMatch(/^test\/leaks\/detect\.test\.ts:\d+:\d+$/)
    expect(leak.message).not.toContain('CLEANROOM_TRACE')
  })

  it('is off with leaks: off or CLEANROOM_LEAKS=off, and the environment wins', async () => {
    for (const runtime of [await start('off'), await start('fail', { CLEANROOM_LEAKS: 'off' })]) {
      runtime.beginTest('unchecked')
      const interval = setInterval(() => undefined, 1_000)
      expect(await runtime.endTest()).toBeUndefined()
      clearInterval(interval)
    }
  })

  it('leaves nothing of its own behind: timers put back, channels unsubscribed', async () => {
    const before = { setTimeout: globalThis.setTimeout, setInterval: globalThis.setInterval }
    const runtime = await start()
    expect(globalThis.setInterval).not.toBe(before.setInterval)
    expect(diagnostics.hasSubscribers('child_process')).toBe(true)
    await runtime.endWorker()
    running.splice(running.indexOf(runtime), 1)
    expect(globalThis.setTimeout).toBe(before.setTimeout)
    expect(globalThis.setInterval).toBe(before.setInterval)
    expect(diagnostics.hasSubscribers('child_process')).toBe(false)
  })
})

import { once } from 'node:events'
import { BroadcastChannel, MessageChannel } from 'node:worker_threads'
import { createScope } from 'cleanroom'
import { describe, expect, test } from 'vitest'
import { activeResources, expectResourcesBackTo } from './active-resources.ts'

describe('message-port kind', () => {
  test('closes a port and, with it, its peer', async () => {
    const baseline = activeResources()
    const scope = createScope()
    const { port1, port2 } = new MessageChannel()
    // A port with a message listener is ref'd: it would keep the process alive.
    port1.on('message', () => undefined)
    port2.on('message', () => undefined)
    scope.track(port1)
    const closed = Promise.all([once(port1, 'close'), once(port2, 'close')])

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'message-port', label: 'message port', outcome: 'ok' },
    ])
    await closed
    await expectResourcesBackTo(baseline)
  })
})

describe('message-channel kind', () => {
  test('closes both ports of a channel', async () => {
    const baseline = activeResources()
    const scope = createScope()
    const channel = scope.track(new MessageChannel())
    channel.port1.on('message', () => undefined)
    channel.port2.on('message', () => undefined)
    const closed = Promise.all([once(channel.port1, 'close'), once(channel.port2, 'close')])

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'message-channel', label: 'message channel', outcome: 'ok' },
    ])
    await closed
    await expectResourcesBackTo(baseline)
  })
})

describe('broadcast-channel kind', () => {
  test('closes a broadcast channel', async () => {
    const baseline = activeResources()
    const scope = createScope()
    const channel = scope.track(new BroadcastChannel('cleanroom-test'))
    channel.onmessage = () => undefined

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'broadcast-channel', label: 'broadcast channel "cleanroom-test"', outcome: 'ok' },
    ])
    expect(() => {
      channel.postMessage('late')
    }).toThrow(/closed/i)
    await expectResourcesBackTo(baseline)
  })
})

import { createSocket } from 'node:dgram'
import { once } from 'node:events'
import { createScope } from 'cleanroom'
import { describe, expect, test } from 'vitest'
import { activeResources, expectResourcesBackTo } from './active-resources.ts'

describe('udp-socket kind', () => {
  test('closes a bound socket and resolves on its close event', async () => {
    const baseline = activeResources()
    const scope = createScope()
    const socket = scope.track(createSocket('udp4'))
    socket.bind(0, '127.0.0.1')
    await once(socket, 'listening')
    const { port } = socket.address()
    let closed = false
    socket.on('close', () => (closed = true))

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'udp-socket', label: `udp socket 127.0.0.1:${port}`, outcome: 'ok' },
    ])
    expect(closed).toBe(true)
    expect(() => socket.address()).toThrow(
      expect.objectContaining({ code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' }),
    )
    await expectResourcesBackTo(baseline)
  })

  test('closes an unbound socket', async () => {
    const baseline = activeResources()
    const scope = createScope()
    scope.track(createSocket('udp6'))
    const report = await scope.dispose()
    expect(report.entries).toMatchObject([
      { kind: 'udp-socket', label: 'udp socket (unbound)', outcome: 'ok' },
    ])
    await expectResourcesBackTo(baseline)
  })

  test('resolves for a socket already closed, leaving no listener behind', async () => {
    const scope = createScope()
    const socket = scope.track(createSocket('udp4'))
    socket.close()
    await once(socket, 'close')

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'udp-socket', label: 'udp socket (closed)', outcome: 'ok' },
    ])
    expect(socket.listenerCount('close')).toBe(0)
  })
})

import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import tls from 'node:tls'
import { createScope } from 'cleanroom'
import { afterEach, describe, expect, test } from 'vitest'
import { activeResources, expectResourcesBackTo } from './active-resources.ts'

const fixtures = new URL('../../fixtures/tls/', import.meta.url)
const key = readFileSync(new URL('localhost-key.pem', fixtures))
const cert = readFileSync(new URL('localhost-cert.pem', fixtures))

const servers: net.Server[] = []

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((r) => server.close(r))))
})

/** A server on 127.0.0.1 that hands over each socket it accepts. */
async function startServer(server: net.Server): Promise<{ port: number; accepted: net.Socket[] }> {
  const accepted: net.Socket[] = []
  servers.push(server)
  server.on('connection', (socket: net.Socket) => accepted.push(socket))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { port: (server.address() as AddressInfo).port, accepted }
}

describe('socket kind', () => {
  test('destroys a client socket and resolves once it has closed', async () => {
    const { port, accepted } = await startServer(net.createServer())
    const baseline = activeResources()
    const scope = createScope()
    const client = scope.track(net.connect(port, '127.0.0.1'))
    await once(client, 'connect')
    const localPort = client.localPort
    const serverSide = accepted[0] as net.Socket
    const serverSideClosed = once(serverSide, 'close')
    let clientClosed = false
    client.on('close', () => (clientClosed = true))

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'socket', label: `socket 127.0.0.1:${localPort} → 127.0.0.1:${port}`, outcome: 'ok' },
    ])
    expect(clientClosed).toBe(true)
    await serverSideClosed
    await expectResourcesBackTo(baseline)
  })

  test('destroys a TLS socket', async () => {
    const { port } = await startServer(tls.createServer({ key, cert }))
    const scope = createScope()
    const client = scope.track(tls.connect({ host: '127.0.0.1', port, ca: cert }))
    await once(client, 'secureConnect')
    const localPort = client.localPort

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'socket', label: `tls socket 127.0.0.1:${localPort} → 127.0.0.1:${port}` },
    ])
    expect(client.destroyed).toBe(true)
  })

  test('resolves at once for a socket already destroyed', async () => {
    const { port } = await startServer(net.createServer())
    const scope = createScope()
    const client = scope.track(net.connect(port, '127.0.0.1'))
    await once(client, 'connect')
    client.destroy()
    await once(client, 'close')

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'socket', label: 'socket (closed)', outcome: 'ok' },
    ])
  })

  test('describes a socket that is still connecting', async () => {
    const { port } = await startServer(net.createServer())
    const scope = createScope()
    const client = scope.track(net.connect(port, '127.0.0.1'))
    const report = await scope.dispose()
    expect(report.entries).toMatchObject([{ kind: 'socket', label: 'socket (connecting)' }])
    expect(client.destroyed).toBe(true)
  })
})

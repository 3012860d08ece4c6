import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import http2 from 'node:http2'
import https from 'node:https'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import tls from 'node:tls'
import { createScope } from 'cleanroom'
import { describe, expect, test } from 'vitest'
import { activeResources, expectResourcesBackTo } from './active-resources.ts'

const fixtures = new URL('../../fixtures/tls/', import.meta.url)
const key = readFileSync(new URL('localhost-key.pem', fixtures))
const cert = readFileSync(new URL('localhost-cert.pem', fixtures))

async function listen(server: net.Server): Promise<number> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return (server.address() as AddressInfo).port
}

/** Resolves with the response body, on a request that keeps its socket alive. */
function get(port: number, agent: http.Agent): Promise<{ body: string; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, agent }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => {
        resolve({ body, socket: request.socket as net.Socket })
      })
    })
    request.on('error', reject)
  })
}

describe('server kind', () => {
  test('closes a server disposed while listen() is still resolving its host', async () => {
    const baseline = activeResources()
    const scope = createScope()
    // With a host, listen() binds only after a DNS lookup: the scope is disposed before that.
    const server = scope.track(net.createServer()).listen(0, '127.0.0.1')
    expect(server.listening).toBe(false)
    const report = await scope.dispose()
    expect(report.entries).toMatchObject([{ kind: 'server', outcome: 'ok' }])
    // The server bound after its disposal, and was closed as soon as it did.
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(server.listening).toBe(false)
    await expectResourcesBackTo(baseline)
  })

  test('closes a net server and ends the connection it accepted', async () => {
    const baseline = activeResources()
    const scope = createScope()
    const server = scope.track(net.createServer())
    const port = await listen(server)
    const accepted = once(server, 'connection')
    const client = net.connect(port, '127.0.0.1')
    client.on('error', () => undefined)
    await accepted
    const clientClosed = once(client, 'close')

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'server', label: `net server 127.0.0.1:${port}`, outcome: 'ok' },
    ])
    expect(server.listening).toBe(false)
    await clientClosed
    await expectResourcesBackTo(baseline)
  })

  test('closes an http server and its keep-alive connections', async () => {
    const baseline = activeResources()
    const scope = createScope()
    const server = scope.track(http.createServer((_request, response) => response.end('ok')))
    const port = await listen(server)
    const agent = new http.Agent({ keepAlive: true })
    const { body, socket } = await get(port, agent)
    expect(body).toBe('ok')
    expect(socket.destroyed).toBe(false)
    const clientClosed = once(socket, 'close')

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'server', label: `http server 127.0.0.1:${port}`, outcome: 'ok' },
    ])
    expect(server.listening).toBe(false)
    await clientClosed
    agent.destroy()
    await expectResourcesBackTo(baseline)
  })

  test('ends upgraded http connections, which closeAllConnections() does not see', async () => {
    const baseline = activeResources()
    const scope = createScope()
    const server = scope.track(http.createServer())
    server.on('upgrade', (_request, socket: net.Socket) => {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: x\r\n\r\n')
    })
    const port = await listen(server)
    const request = http.get({
      host: '127.0.0.1',
      port,
      headers: { Connection: 'Upgrade', Upgrade: 'x' },
    })
    const [, socket] = (await once(request, 'upgrade')) as [http.IncomingMessage, net.Socket]
    const clientClosed = once(socket, 'close')

    const report = await scope.dispose()

    expect(report.entries[0]?.outcome).toBe('ok')
    await clientClosed
    await expectResourcesBackTo(baseline)
  })

  test('closes an https server and its keep-alive connections', async () => {
    const baseline = activeResources()
    const scope = createScope()
    const server = scope.track(https.createServer({ key, cert }, (_q, response) => response.end()))
    const port = await listen(server)
    const agent = new https.Agent({ keepAlive: true, ca: cert })
    const request = https.get({ host: '127.0.0.1', port, agent })
    const [response] = (await once(request, 'response')) as [http.IncomingMessage]
    response.resume()
    await once(response, 'end')
    const clientClosed = once(request.socket as net.Socket, 'close')

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'server', label: `https server 127.0.0.1:${port}`, outcome: 'ok' },
    ])
    await clientClosed
    agent.destroy()
    await expectResourcesBackTo(baseline)
  })

  test('closes an http2 server and ends its open sessions', async () => {
    const baseline = activeResources()
    const scope = createScope()
    const server = scope.track(http2.createServer())
    const port = await listen(server)
    const session = http2.connect(`http://127.0.0.1:${port}`)
    session.on('error', () => undefined)
    await once(session, 'connect')
    const sessionClosed = once(session, 'close')

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'server', label: `http2 server 127.0.0.1:${port}`, outcome: 'ok' },
    ])
    await sessionClosed
    await expectResourcesBackTo(baseline)
  })

  test('closes a tls server and ends its connections', async () => {
    const baseline = activeResources()
    const scope = createScope()
    const server = scope.track(tls.createServer({ key, cert }))
    const port = await listen(server)
    const client = tls.connect({ host: '127.0.0.1', port, ca: cert })
    client.on('error', () => undefined)
    await once(client, 'secureConnect')
    const clientClosed = once(client, 'close')

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'server', label: `tls server 127.0.0.1:${port}`, outcome: 'ok' },
    ])
    await clientClosed
    await expectResourcesBackTo(baseline)
  })

  test('resolves at once for a server that never listened', async () => {
    const scope = createScope()
    scope.track(http.createServer())
    const report = await scope.dispose()
    expect(report.entries).toMatchObject([
      { kind: 'server', label: 'http server (not listening)', outcome: 'ok' },
    ])
    expect(report.entries[0]?.duration).toBeLessThan(50)
  })

  test('resolves at once for a server already closed, without a second close event', async () => {
    const scope = createScope()
    const server = scope.track(net.createServer())
    await listen(server)
    server.close()
    await once(server, 'close')
    let closeEvents = 0
    server.on('close', () => closeEvents++)

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'server', label: 'net server (not listening)', outcome: 'ok' },
    ])
    await new Promise((resolve) => setImmediate(resolve))
    expect(closeEvents).toBe(0)
  })
})

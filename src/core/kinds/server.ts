import { subscribe } from 'node:diagnostics_channel'
import { Server, type Socket } from 'node:net'
import { defineKind, type Kind } from '../kind.ts'
import { processSingleton } from '../process-singleton.ts'
import { formatAddress } from './format-address.ts'
import { waitForClose } from './wait-for-close.ts'

/** The sockets a server accepted, including some already closed, pruned as it grows. */
interface AcceptedSockets {
  readonly sockets: Set<Socket>
  pruneAt: number
}

/**
 * The connections each server accepted. `close()` waits for every open connection, and a
 * plain `net.Server` keeps only a count of them, so disposal needs this list to end them.
 * Node announces each accepted connection on the `net.server.socket` diagnostics channel;
 * listening there (from import, once per process however many copies of cleanroom are loaded)
 * attaches nothing to the sockets and costs one call per connection. Closed sockets are pruned
 * whenever a server's list doubles, so it stays within twice the open ones.
 */
const acceptedBy: WeakMap<Server, AcceptedSockets> = processSingleton('acceptedSockets', () => {
  const map = new WeakMap<Server, AcceptedSockets>()
  subscribe('net.server.socket', (message) => {
    const socket = (message as { socket?: Socket } | null)?.socket
    // Node sets `server` on the sockets a server accepts, before it announces them.
    const server = (socket as { server?: unknown } | undefined)?.server
    if (socket === undefined || !(server instanceof Server) || socket.destroyed) return
    let accepted = map.get(server)
    if (accepted === undefined) map.set(server, (accepted = { sockets: new Set(), pruneAt: 64 }))
    accepted.sockets.add(socket)
    if (accepted.sockets.size < accepted.pruneAt) return
    for (const known of accepted.sockets) if (known.destroyed) accepted.sockets.delete(known)
    accepted.pruneAt = Math.max(64, accepted.sockets.size * 2)
  })
  return map
})

/** The part of `http.Server` that ends connections; checked by shape, sparing node:http a load. */
interface ConnectionClosing {
  closeIdleConnections(): void
  closeAllConnections(): void
}

function isHttpServer(server: Server): server is Server & ConnectionClosing {
  return typeof (server as Partial<ConnectionClosing>).closeAllConnections === 'function'
}

async function closeServer(server: Server): Promise<void> {
  // A server not listening never did, was closed already, or is still resolving the host it
  // was asked to listen on (listen(port, host) binds only after a DNS lookup): close() now
  // would only emit a second 'close' its owner does not expect, so close it if it ever binds.
  if (!server.listening) {
    server.once('listening', () => void closeServer(server))
  }
  const closed = server.listening ? waitForClose(server) : undefined
  if (closed !== undefined) server.close()
  if (isHttpServer(server)) {
    server.closeIdleConnections()
    server.closeAllConnections()
  }
  // Upgraded http connections, http2 sessions and plain net connections are on no http list.
  const accepted = acceptedBy.get(server)
  if (accepted !== undefined) {
    for (const socket of accepted.sockets) socket.destroy()
    acceptedBy.delete(server)
  }
  await closed
}

function protocolOf(server: Server): string {
  const secure = typeof (server as { setSecureContext?: unknown }).setSecureContext === 'function'
  if (isHttpServer(server)) return secure ? 'https' : 'http'
  const name = (Object.getPrototypeOf(server) as { constructor?: { name?: unknown } } | null)
    ?.constructor?.name
  if (typeof name === 'string' && name.startsWith('Http2')) return 'http2'
  return secure ? 'tls' : 'net'
}

function describeServer(server: Server): string {
  const address = server.address()
  const where =
    address === null
      ? '(not listening)'
      : typeof address === 'string'
        ? address
        : formatAddress(address.address, address.port)
  return `${protocolOf(server)} server ${where}`
}

/**
 * `net.Server`, and the http, https, http2 and tls servers built on it: stops listening and
 * ends every open connection (keep-alive, upgraded and plain TCP ones); disposal resolves on
 * the server's `'close'`. A server that is not listening resolves at once.
 */
export const serverKind: Kind<Server> = defineKind({
  name: 'server',
  match: (value): value is Server => value instanceof Server,
  dispose: closeServer,
  describe: describeServer,
})

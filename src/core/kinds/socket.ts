import { Socket } from 'node:net'
import { defineKind, type Kind } from '../kind.ts'
import { formatAddress } from './format-address.ts'
import { waitForClose } from './wait-for-close.ts'

function describeSocket(socket: Socket): string {
  // TLSSocket sets `encrypted`; checking it spares loading node:tls just for instanceof.
  const what = (socket as { encrypted?: unknown }).encrypted === true ? 'tls socket' : 'socket'
  if (socket.remoteAddress !== undefined) {
    const local = formatAddress(socket.localAddress, socket.localPort)
    return `${what} ${local} → ${formatAddress(socket.remoteAddress, socket.remotePort)}`
  }
  if (socket.connecting) return `${what} (connecting)`
  if (socket.destroyed) return `${what} (closed)`
  return what
}

/**
 * `net.Socket` and `tls.TLSSocket`: destroyed; disposal resolves on `'close'`, when the
 * handle is closed. A socket already destroyed resolves at once.
 */
export const socketKind: Kind<Socket> = defineKind({
  name: 'socket',
  match: (value): value is Socket => value instanceof Socket,
  dispose: (socket) => {
    if (socket.destroyed) return undefined
    const closed = waitForClose(socket)
    socket.destroy()
    return closed
  },
  describe: describeSocket,
})

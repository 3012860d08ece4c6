import { Socket } from 'node:dgram'
import { defineKind, type Kind } from '../kind.ts'
import { formatAddress } from './format-address.ts'

function isNotRunning(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_SOCKET_DGRAM_NOT_RUNNING'
}

/** Closes the socket and resolves on its `'close'`; returns at once if it was already closed. */
function closeUdpSocket(socket: Socket): Promise<void> | undefined {
  let onClose = (): void => undefined
  const closed = new Promise<void>((resolve) => {
    onClose = resolve
    socket.once('close', onClose)
  })
  try {
    socket.close()
  } catch (error) {
    // dgram has no public "closed" flag: close() throwing NOT_RUNNING is how it says so.
    socket.off('close', onClose)
    if (isNotRunning(error)) return undefined
    throw error
  }
  return closed
}

/** `dgram.Socket`: closed; disposal resolves on its `'close'`. */
export const udpSocketKind: Kind<Socket> = defineKind({
  name: 'udp-socket',
  match: (value): value is Socket => value instanceof Socket,
  dispose: closeUdpSocket,
  describe: (socket) => {
    try {
      const { address, port } = socket.address()
      return `udp socket ${formatAddress(address, port)}`
    } catch (error) {
      return isNotRunning(error) ? 'udp socket (closed)' : 'udp socket (unbound)'
    }
  },
})

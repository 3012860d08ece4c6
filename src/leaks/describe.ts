import type { AddressInfo } from 'node:net'
import type { LeakKind } from '../core/leak-info.ts'

interface Described {
  readonly kind: LeakKind
  readonly description: string
}

/** The kind of a libuv resource type (`process.getActiveResourcesInfo()`), and its name. */
const typeNames: Record<string, Described> = {
  Timeout: { kind: 'timer', description: 'timer' },
  TCPServerWrap: { kind: 'server', description: 'TCP server' },
  TCPSocketWrap: { kind: 'socket', description: 'TCP socket' },
  PipeServerWrap: { kind: 'server', description: 'pipe server' },
  PipeWrap: { kind: 'socket', description: 'pipe' },
  ProcessWrap: { kind: 'child-process', description: 'child process' },
  FSEventWrap: { kind: 'fs-watcher', description: 'fs watcher' },
  StatWatcher: { kind: 'fs-watcher', description: 'fs.watchFile() watcher' },
  UDPWrap: { kind: 'udp-socket', description: 'UDP socket' },
  MessagePort: { kind: 'message-port', description: 'message port' },
  SignalWrap: { kind: 'other', description: 'process signal listener' },
}

/** A resource type cleanroom has no object for: its kind and a name for it. */
export function describeType(type: string): Described {
  return typeNames[type] ?? { kind: 'other', description: type }
}

/** The libuv handle inside a handle object (a server, a socket, a child process, …). */
export function innerHandle(handle: object): object | undefined {
  // A dgram socket's `_handle` getter is deprecated (DEP0112): read its state instead.
  if (isUdpSocket(handle)) return udpHandle(handle)
  return (handle as { _handle?: object | null })._handle ?? undefined
}

/** The libuv type a handle object counts as in `process.getActiveResourcesInfo()`. */
export function handleType(handle: object): string | undefined {
  if (handle.constructor.name === 'MessagePort') return 'MessagePort'
  switch (innerHandle(handle)?.constructor.name) {
    case 'TCP':
      return isServer(handle) ? 'TCPServerWrap' : 'TCPSocketWrap'
    case 'Pipe':
      return isServer(handle) ? 'PipeServerWrap' : 'PipeWrap'
    case 'Process':
      return 'ProcessWrap'
    case 'FSEvent':
      return 'FSEventWrap'
    case 'StatWatcher':
      return 'StatWatcher'
    case 'UDP':
      return 'UDPWrap'
    default:
      return undefined
  }
}

function isServer(handle: object): boolean {
  return typeof (handle as { listen?: unknown }).listen === 'function'
}

/** A `dgram.Socket`, by shape (importing `node:dgram` for `instanceof` costs every process). */
function isUdpSocket(value: object): boolean {
  const socket = value as { addMembership?: unknown; send?: unknown }
  return typeof socket.addMembership === 'function' && typeof socket.send === 'function'
}

/** A dgram socket keeps its handle under a symbol of Node's: the state object holds it. */
export function udpHandle(socket: object): object | undefined {
  for (const key of Object.getOwnPropertySymbols(socket)) {
    const state = (socket as Record<symbol, unknown>)[key]
    const handle = (state as { handle?: { constructor: { name: string } } } | null)?.handle
    if (typeof state === 'object' && handle?.constructor.name === 'UDP') return handle
  }
  return undefined
}

/** A timer as the code that created it reads: `setInterval(poll, 1000 ms)`. */
export function describeTimer(timer: NodeJS.Timeout): string {
  const t = timer as unknown as {
    _idleTimeout?: number
    _repeat?: number | null
    _onTimeout?: (...args: unknown[]) => unknown
  }
  const callback = describeCallback(t._onTimeout)
  const api = typeof t._repeat === 'number' ? 'setInterval' : 'setTimeout'
  return `${api}(${callback}, ${String(t._idleTimeout ?? '?')} ms)`
}

/** Longest source text of an anonymous callback a report shows. */
const sourceLength = 40

/**
 * A timer's callback: its name, or for an anonymous one its source text, shortened (a
 * library's `() => this.check()` says more than `anonymous`).
 */
function describeCallback(callback: ((...args: unknown[]) => unknown) | undefined): string {
  if (typeof callback !== 'function') return 'anonymous'
  if (callback.name !== '') return callback.name
  const source = Function.prototype.toString.call(callback).replace(/\s+/g, ' ')
  return source.length <= sourceLength ? source : `${source.slice(0, sourceLength - 1)}…`
}

/** A handle object as a leak report names it: `http server 127.0.0.1:53211`. */
export function describeHandle(handle: object, type: string): string {
  const h = handle as Record<string, unknown>
  switch (type) {
    case 'TCPServerWrap':
    case 'PipeServerWrap': {
      const address = (h.address as (() => AddressInfo | string | null) | undefined)?.call(handle)
      const protocol =
        '_connectionKey' in h && 'timeout' in h && 'requestTimeout' in h ? 'http ' : ''
      return `${protocol}server ${formatAddress(address)}`
    }
    case 'TCPSocketWrap': {
      const local = `${String(h.localAddress)}:${String(h.localPort)}`
      const remote = `${String(h.remoteAddress)}:${String(h.remotePort)}`
      return `socket ${local} → ${remote}`
    }
    case 'ProcessWrap': {
      const file = typeof h.spawnfile === 'string' ? ` (${h.spawnfile})` : ''
      return `child process ${String(h.pid)}${file}`
    }
    case 'UDPWrap': {
      try {
        return `UDP socket ${formatAddress((h.address as () => AddressInfo).call(handle))}`
      } catch {
        return 'UDP socket (not bound)'
      }
    }
    default:
      return describeType(type).description
  }
}

function formatAddress(address: AddressInfo | string | null | undefined): string {
  if (address === null || address === undefined) return '(not listening)'
  if (typeof address === 'string') return address
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `${host}:${String(address.port)}`
}

/**
 * An idle keep-alive connection of an HTTP client's pool: an `http.Agent`'s free socket, or
 * one of undici's (behind `fetch`). It closes by itself when the pool's keep-alive timeout
 * (4 to 5 s) ends, so it is no leak of the test's, though it would keep the process alive
 * that long.
 */
export function isIdleKeepAlive(socket: object): boolean {
  const s = socket as { _httpMessage?: unknown; listenerCount?: (event: string) => number }
  if (s._httpMessage === null && (s.listenerCount?.('free') ?? 0) > 0) return true
  const marks = new Set(Object.getOwnPropertySymbols(socket).map((key) => key.description))
  const writing = Object.getOwnPropertySymbols(socket).find((key) => key.description === 'writing')
  return (
    marks.has('client') &&
    marks.has('parser') &&
    (writing === undefined || (socket as Record<symbol, unknown>)[writing] !== true)
  )
}

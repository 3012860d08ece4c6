import type { ChildProcess } from 'node:child_process'
import type { Socket as UdpSocket } from 'node:dgram'
import type { FSWatcher } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import type { Server, Socket } from 'node:net'
import type { BroadcastChannel, MessageChannel, MessagePort, Worker } from 'node:worker_threads'
import type { DisposableResource } from './disposable.ts'
import type { NodeStream } from './stream.ts'
import type { NodeTimer } from './timer.ts'

/**
 * The built-in kinds' names and the type of value each accepts: the names that
 * `track(value, { kind })` offers out of the box. `ResourceKinds` extends it, and your own
 * kinds merge into `ResourceKinds` beside them.
 */
export interface BuiltinResourceKinds {
  /** Anything with `Symbol.asyncDispose` or `Symbol.dispose`. */
  disposable: DisposableResource
  /** Readable, Writable, Duplex and Transform streams. */
  stream: NodeStream
  /** `net.Server`, and the http, https, http2 and tls servers built on it. */
  server: Server
  /** `net.Socket` and `tls.TLSSocket`. */
  socket: Socket
  /** What `spawn`, `fork`, `exec` and `execFile` return. */
  'child-process': ChildProcess
  /** `worker_threads.Worker`. */
  worker: Worker
  /** What `setTimeout`, `setInterval` and `setImmediate` return. */
  timer: NodeTimer
  /** `AbortController`. */
  'abort-controller': AbortController
  /** What `fs.promises.open()` returns. */
  'file-handle': FileHandle
  /** What `fs.watch()` returns. */
  'fs-watcher': FSWatcher
  /** `dgram.Socket`. */
  'udp-socket': UdpSocket
  /** `MessagePort` (one end of a `MessageChannel`). */
  'message-port': MessagePort
  /** `MessageChannel`, both ports. */
  'message-channel': MessageChannel
  /** `BroadcastChannel`. */
  'broadcast-channel': BroadcastChannel
}

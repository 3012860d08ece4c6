import type { AnyKind } from '../kind.ts'
import { abortControllerKind } from './abort-controller.ts'
import { broadcastChannelKind } from './broadcast-channel.ts'
import { childProcessKind } from './child-process.ts'
import { disposableKind } from './disposable.ts'
import { fileHandleKind } from './file-handle.ts'
import { fsWatcherKind } from './fs-watcher.ts'
import { messageChannelKind } from './message-channel.ts'
import { messagePortKind } from './message-port.ts'
import { serverKind } from './server.ts'
import { socketKind } from './socket.ts'
import { streamKind } from './stream.ts'
import { timerKind } from './timer.ts'
import { udpSocketKind } from './udp-socket.ts'
import { workerKind } from './worker.ts'

/**
 * Every built-in kind, in registration order. `match` tries later kinds first, so the list
 * runs from generic to specific: `disposable` (most Node handles have `Symbol.asyncDispose`
 * or `Symbol.dispose`, but their own disposers do less) is tried last, then `stream` (a
 * socket is a stream, but a socket disposer waits for its handle), then the specific kinds.
 * `defaultRegistry` starts with these; `createRegistry()` starts empty.
 *
 * @example
 * ```ts
 * import { builtinKinds, createRegistry, createScope, defineKind } from 'cleanroom'
 *
 * class Queue {
 *   close(): void {}
 * }
 * const queueKind = defineKind({
 *   name: 'queue',
 *   match: (value): value is Queue => value instanceof Queue,
 *   dispose: (queue) => {
 *     queue.close()
 *   },
 * })
 * const scope = createScope({ registry: createRegistry([...builtinKinds, queueKind]) })
 * scope.track(new Queue())
 * scope.track(setInterval(() => {}, 1_000))
 * await scope.dispose()
 * ```
 */
export const builtinKinds: readonly AnyKind[] = Object.freeze([
  disposableKind,
  streamKind,
  serverKind,
  socketKind,
  childProcessKind,
  workerKind,
  timerKind,
  abortControllerKind,
  fileHandleKind,
  fsWatcherKind,
  udpSocketKind,
  messagePortKind,
  messageChannelKind,
  broadcastChannelKind,
])

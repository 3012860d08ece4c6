import type { Readable, Writable } from 'node:stream'
import { defineKind, type Kind } from '../kind.ts'
import { waitForClose } from './wait-for-close.ts'

/** A Node stream: a Readable, a Writable, or both (Duplex, Transform). */
export type NodeStream = Readable | Writable

interface StreamState {
  readonly emitClose?: boolean
  readonly closeEmitted?: boolean
}

function statesOf(stream: object): StreamState[] {
  const { _readableState: readable, _writableState: writable } = stream as {
    _readableState?: StreamState | null
    _writableState?: StreamState | null
  }
  return [readable, writable].filter((state) => typeof state === 'object' && state !== null)
}

/**
 * Matches by the state objects every Node stream carries rather than `instanceof`, so that
 * streams from another realm (Jest's per-file context) or from `readable-stream` match too.
 */
function isNodeStream(value: unknown): value is NodeStream {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<Readable>).destroy === 'function' &&
    statesOf(value).length > 0
  )
}

async function destroyStream(stream: NodeStream): Promise<void> {
  const states = statesOf(stream)
  if (states.some((state) => state.closeEmitted === true)) return
  // A stream built with `emitClose: false` never says when it is done: destroy() is all.
  const closed = states.some((state) => state.emitClose !== false)
    ? waitForClose(stream)
    : undefined
  stream.destroy()
  await closed
}

/** Any Node stream (Readable, Writable, Duplex, Transform): destroyed; its `'close'` awaited. */
export const streamKind: Kind<NodeStream> = defineKind({
  name: 'stream',
  match: isNodeStream,
  dispose: destroyStream,
  describe: (stream) => {
    const name = (Object.getPrototypeOf(stream) as { constructor?: { name?: unknown } } | null)
      ?.constructor?.name
    const { path } = stream as { path?: unknown }
    const what = typeof name === 'string' && name !== '' ? `stream ${name}` : 'stream'
    return typeof path === 'string' ? `${what} ${path}` : what
  },
})

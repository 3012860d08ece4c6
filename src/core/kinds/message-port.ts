import { MessagePort } from 'node:worker_threads'
import { defineKind, type Kind } from '../kind.ts'

/**
 * `MessagePort` (`worker_threads`, also the global one): closed. Closing a port closes its
 * peer too; closing it again is a no-op.
 */
export const messagePortKind: Kind<MessagePort> = defineKind({
  name: 'message-port',
  match: (value): value is MessagePort => value instanceof MessagePort,
  dispose: (port) => {
    port.close()
  },
  describe: () => 'message port',
})

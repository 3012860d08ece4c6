import type { EventEmitter } from 'node:events'

/**
 * Resolves on the emitter's next `'close'`. Unlike `events.once`, it does not reject on
 * `'error'`: a resource that errors while it is being torn down has still been released, and
 * its error stays with the listeners its owner attached.
 */
export function waitForClose(emitter: EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    emitter.once('close', () => {
      resolve()
    })
  })
}

import { Worker } from 'node:worker_threads'
import { defineKind, type Kind } from '../kind.ts'

/**
 * `worker_threads.Worker`: terminated, and disposal waits until the thread has stopped.
 * Worth tracking: `process.getActiveResourcesInfo()` does not list workers, so no leak check
 * based on it can see one left running.
 */
export const workerKind: Kind<Worker> = defineKind({
  name: 'worker',
  match: (value): value is Worker => value instanceof Worker,
  // terminate() resolves once the thread has exited, and at once if it already had.
  dispose: (worker) => worker.terminate(),
  describe: (worker) =>
    worker.threadId === -1 ? 'worker thread (exited)' : `worker thread ${worker.threadId}`,
})

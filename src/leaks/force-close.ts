import type { WorkerLike } from './creations.ts'

/**
 * Closes a leaked resource so that it cannot keep the run alive: clears a timer, closes a
 * server (and its connections), destroys a socket, kills a child process, terminates a worker,
 * closes a watcher, a UDP socket or a message port. Returns whether it knew how.
 */
export function forceClose(resource: object, type: string): boolean {
  const r = resource as Record<string, unknown>
  try {
    switch (type) {
      case 'Timeout':
        clearTimeout(resource as NodeJS.Timeout)
        return true
      case 'TCPServerWrap':
      case 'PipeServerWrap':
        call(r, 'closeAllConnections')
        return call(r, 'close')
      case 'TCPSocketWrap':
      case 'PipeWrap':
        return call(r, 'destroy')
      case 'ProcessWrap':
        // The last resort: a child that ignored being left running gets no grace.
        for (const stream of [r.stdin, r.stdout, r.stderr]) {
          if (typeof stream === 'object' && stream !== null)
            call(stream as Record<string, unknown>, 'destroy')
        }
        return call(r, 'kill', 'SIGKILL')
      case 'Worker':
        void (resource as WorkerLike).terminate().catch(() => undefined)
        return true
      case 'FSEventWrap':
      case 'UDPWrap':
      case 'MessagePort':
        return call(r, 'close')
      default:
        return false
    }
  } catch {
    // Closing it threw (closed meanwhile, say): the leak is reported as it was found.
    return false
  }
}

function call(target: Record<string, unknown>, method: string, ...args: unknown[]): boolean {
  const fn = target[method]
  if (typeof fn !== 'function') return false
  ;(fn as (...a: unknown[]) => unknown).apply(target, args)
  return true
}

import { defineKind, type Kind } from '../kind.ts'

/** `AbortController`: aborted on disposal, so whatever listens to its signal stops. */
export const abortControllerKind: Kind<AbortController> = defineKind({
  name: 'abort-controller',
  match: (value): value is AbortController => value instanceof AbortController,
  dispose: (controller) => {
    // A second abort() is a no-op, but checking keeps an earlier, more telling reason intact.
    if (!controller.signal.aborted) controller.abort()
  },
  describe: (controller) =>
    controller.signal.aborted ? 'abort controller (aborted)' : 'abort controller',
})

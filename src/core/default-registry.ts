import { builtinKinds } from './kinds/index.ts'
import { processSingleton } from './process-singleton.ts'
import { createRegistry, type Registry } from './registry.ts'

/**
 * The registry scopes use unless given another: the built-in kinds, plus whatever
 * integrations and your own code register into it. One per process, shared by every copy of
 * cleanroom loaded in it (ESM and CommonJS builds, Jest's per-file module registries), so a
 * module that registers into it and may be loaded twice should check `has(name)` first.
 *
 * @example
 * ```ts
 * import { defaultRegistry, defineKind } from 'cleanroom'
 *
 * interface Queue {
 *   enqueue(job: string): void
 *   close(): Promise<void>
 * }
 *
 * if (!defaultRegistry.has('queue')) {
 *   defaultRegistry.register(
 *     defineKind({
 *       name: 'queue',
 *       match: (v): v is Queue => v instanceof Object && 'close' in v && 'enqueue' in v,
 *       dispose: (queue) => queue.close(),
 *     }),
 *   )
 * }
 * ```
 */
export const defaultRegistry: Registry = processSingleton('defaultRegistry', () =>
  createRegistry(builtinKinds),
)

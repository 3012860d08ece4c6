import { builtinKinds } from './kinds/index.ts'
import { processSingleton } from './process-singleton.ts'
import { createRegistry, type Registry } from './registry.ts'

/**
 * The registry scopes use unless given another: the built-in kinds, plus whatever
 * integrations and your own code register into it. One per process, shared by every copy of
 * cleanroom loaded in it (ESM and CommonJS builds, Jest's per-file module registries).
 *
 * @example
 * ```ts
 * import { defaultRegistry, defineKind } from 'cleanroom'
 *
 * defaultRegistry.register(
 *   defineKind({
 *     name: 'queue',
 *     match: (v): v is { close(): Promise<void> } => v instanceof Object && 'close' in v && 'enqueue' in v,
 *     dispose: (queue) => queue.close(),
 *   }),
 * )
 * ```
 */
export const defaultRegistry: Registry = processSingleton('defaultRegistry', () =>
  createRegistry(builtinKinds),
)

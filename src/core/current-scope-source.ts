import { processSingleton } from './process-singleton.ts'
import type { Scope, ScopeOptions } from './scope-types.ts'

/** Makes a root scope: `createScope`, handed over by whoever needs the first scope. */
export type ScopeFactory = (options: ScopeOptions) => Scope

/**
 * Where helpers find the running test's scope: the runtime registers how (it knows which test
 * runs), so that helpers below it (temp dirs, caches, background runners, integrations) can
 * track what they create without importing the runtime. One per process.
 *
 * `resolve` is given the scope factory by the helper asking (see `currentScopeFor`): the
 * runtime does not import the scope machinery, which a test file that tracks nothing (and,
 * under Jest, every test file loads the runtime afresh) never needs.
 */
interface CurrentScopeSource {
  resolve: ((helper: string, create: ScopeFactory) => Scope) | undefined
}

export const currentScopeSource: CurrentScopeSource = processSingleton(
  'currentScopeSource',
  (): CurrentScopeSource => ({ resolve: undefined }),
)

import { AsyncLocalStorage } from 'node:async_hooks'
import { processSingleton } from './process-singleton.ts'
import type { Scope } from './scope-types.ts'

/**
 * The scope code is running in, when something more specific than the runner's current test
 * applies: while a fixture's `setup` runs (and everything it awaits), it is the fixture's own
 * scope, so that `track()` inside a fixture lives as long as the fixture. One per process.
 */
export const scopeContext: AsyncLocalStorage<Scope> = processSingleton(
  'scopeContext',
  () => new AsyncLocalStorage<Scope>(),
)

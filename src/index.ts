export { createScope } from './core/scope.ts'
export type { DeferOptions, Scope, ScopeOptions, TrackOptions } from './core/scope.ts'
export { allowLeaks, currentScope, defer, expectCollected, track, use } from './runtime/helpers.ts'
export type { CleanroomOptions } from './runtime/options.ts'
export type { LeakIgnore, LeakMode, LeakOptions } from './leaks/options.ts'
export type { MemoryOptions, MemorySize } from './memory/options.ts'
export type {
  GlobalStateIgnore,
  GlobalStateMode,
  GlobalStateOptions,
} from './state/global-state-options.ts'
export type { GlobalStateChange } from './core/global-state-change.ts'
export type { LeakInfo, LeakKind } from './core/leak-info.ts'
export { defineKind } from './core/kind.ts'
export type { AnyKind, Kind, KindName, KindNameFor, KindSpec, ResourceKinds } from './core/kind.ts'
export { createRegistry } from './core/registry.ts'
export type { Registry } from './core/registry.ts'
export { defaultRegistry } from './core/default-registry.ts'
export { builtinKinds } from './core/kinds/index.ts'
export type { BuiltinResourceKinds } from './core/kinds/types.ts'
export type { DisposableResource } from './core/kinds/disposable.ts'
export type { NodeStream } from './core/kinds/stream.ts'
export type { NodeTimer } from './core/kinds/timer.ts'
export { defineFixture } from './core/fixture.ts'
export type {
  Fixture,
  FixtureDeps,
  FixtureLevel,
  FixtureSpec,
  ResolvedDeps,
} from './core/fixture-types.ts'
export type { DisposeOutcome, DisposeReport, DisposeTotals, EntryReport } from './core/report.ts'
export {
  CleanroomError,
  CleanupError,
  DependencyCycleError,
  DisposeError,
  DisposeTimeoutError,
  DuplicateKindError,
  FixtureLevelError,
  LeakError,
  NoActiveScopeError,
  PoolDrainError,
  ScopeClosedError,
  UnknownDependencyError,
  UnknownResourceError,
  UnsafeTempDirError,
  CacheClearError,
  AsyncTaskError,
  OpenIteratorError,
  ContainerDisposedError,
  GlobalStateError,
  NotCollectedError,
  MemoryGrowthError,
} from './core/errors.ts'
export type { DeadlineLimit, PoolHolder, ResourceRef } from './core/errors.ts'
export type { AsyncTaskFailure, UncollectedValue } from './core/errors.ts'
export { createTempDir } from './state/temp-dir.ts'
export type { TempDirOptions } from './state/temp-dir.ts'
export { trackCache } from './state/caches.ts'
export type { ClearableCache, TrackCacheOptions } from './state/caches.ts'
export { purgeModules } from './state/purge-modules.ts'
export type { ModulePurge, PurgeModulesOptions } from './state/purge-modules.ts'
export { createAsyncRunner } from './state/async-runner.ts'
export type { AsyncRunner, AsyncRunnerOptions } from './state/async-runner.ts'

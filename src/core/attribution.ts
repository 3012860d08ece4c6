import type { CreationSite } from './creation-site.ts'
import { processSingleton } from './process-singleton.ts'

/**
 * Who a resource belongs to when a library creates it on behalf of an object the user made:
 * the knex pool whose reap interval a query started, say. Leak reports name the owner and
 * show where the user created it, instead of a line inside the library.
 */
export interface Attribution {
  /** The owner as a report names it: `knex pool (pg)`. */
  readonly owner: string
  /** Where the user created the owner. */
  readonly site: CreationSite
  /**
   * The object standing for the owner (a knex instance's pool): while the value it is a part
   * of is tracked in a live scope (see `registerParts`), what is created on its behalf is
   * the scope's to dispose, not a leak.
   */
  readonly holder?: object
}

interface AttributionState {
  current: Attribution | undefined
  /** What each resource created under an attribution belongs to. */
  readonly of: WeakMap<object, Attribution>
}

const state: AttributionState = processSingleton('attribution', (): AttributionState => ({
  current: undefined,
  of: new WeakMap(),
}))

/**
 * Runs `create` with `attribution` current: what it creates synchronously (timers, sockets,
 * servers, child processes) is attributed to the owner. Nests; returns what `create` returns.
 */
export function createOnBehalfOf<Result>(attribution: Attribution, create: () => Result): Result {
  const previous = state.current
  state.current = attribution
  try {
    return create()
  } finally {
    state.current = previous
  }
}

/** The attribution in force now, if any: read by leak detection as a resource is created. */
export function currentAttribution(): Attribution | undefined {
  return state.current
}

/** Records that `resource` belongs to the attribution in force now, if any. */
export function attributeCreation(resource: object): void {
  if (state.current !== undefined) state.of.set(resource, state.current)
}

/** Who `resource` was created on behalf of, if anyone. */
export function attributionOf(resource: object): Attribution | undefined {
  return state.of.get(resource)
}

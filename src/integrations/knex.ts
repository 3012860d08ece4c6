import knex, { type Knex } from 'knex'
import { currentScopeFor, deferFor, trackFor } from '../core/current-scope.ts'
import { defaultRegistry } from '../core/default-registry.ts'
import { defineKind, type Kind } from '../core/kind.ts'
import { registerParts } from '../core/tracked-values.ts'
import type { Scope, TrackOptions } from '../core/scope-types.ts'
import {
  assertKnownKeys,
  assertOptionalDeadline,
  assertOptionalString,
  assertPlainObject,
  describeValue,
} from '../core/validate.ts'
import { describePool, destroyKnex, instrumentKnex, type KnexClient } from './knex-pool.ts'

// The kind names, for users' code: `track(db, { kind: 'knex' })` compiles for a knex instance.
declare module 'cleanroom' {
  interface ResourceKinds {
    /** A knex instance (its pool), or a `withUserParams()` clone of one. */
    knex: Knex
    /** A knex transaction: rolled back unless it was committed or rolled back already. */
    'knex-transaction': Knex.Transaction
  }
}

instrumentKnex(knex.Client as unknown as { prototype: KnexClient })
// A tracked knex instance covers its pool: the reap interval a query starts in a later test is
// the instance's, not that test's leak.
registerParts((value) => {
  const pool = isKnex(value) ? (value.client as KnexClient).pool : undefined
  return pool === undefined ? [] : [pool]
})

function isKnex(value: unknown): value is Knex {
  if (typeof value !== 'function') return false
  const k = value as unknown as Partial<Record<string, unknown>> & { client?: unknown }
  if (k.isTransaction === true) return false
  if (typeof k.destroy !== 'function' || typeof k.transaction !== 'function') return false
  const client = k.client as { acquireConnection?: unknown } | null | undefined
  return typeof client?.acquireConnection === 'function'
}

function isTransaction(value: unknown): value is Knex.Transaction {
  if (typeof value !== 'function') return false
  const t = value as unknown as Partial<Record<string, unknown>>
  return (
    t.isTransaction === true &&
    typeof t.rollback === 'function' &&
    typeof t.isCompleted === 'function'
  )
}

/**
 * The kind for knex instances: detected by shape (`destroy`, `transaction`,
 * `client.acquireConnection`), described as `knex pool (pg) 127.0.0.1:5432/test`. Disposing
 * destroys the pool, once however many `withUserParams()` clones share it. Connections still
 * checked out (a transaction left open, a connection acquired and never released) do not make
 * it wait forever, as knex's own `destroy()` does: after a short grace they are
 * force-released (an open transaction is rolled back first) and reported in a
 * {@link index!PoolDrainError}. Registered into `defaultRegistry` when `cleanroom/knex` is imported.
 *
 * @example
 * ```ts
 * import knex from 'knex'
 * import { createScope } from 'cleanroom'
 * import 'cleanroom/knex'
 *
 * const scope = createScope()
 * const db = scope.track(knex({ client: 'pg', connection: 'postgres://localhost/test' }), { kind: 'knex' })
 * await scope.dispose() // destroys the pool
 * ```
 */
export const knexKind: Kind<Knex> = defineKind({
  name: 'knex',
  match: isKnex,
  dispose: (db: Knex) => destroyKnex(db as unknown as Parameters<typeof destroyKnex>[0]),
  describe: (db: Knex) => describePool(db.client as KnexClient),
})

/**
 * The kind for knex transactions (`isTransaction`): disposing rolls the transaction back
 * unless it was committed or rolled back already. Registered into `defaultRegistry` when
 * `cleanroom/knex` is imported.
 *
 * @example
 * ```ts
 * import knex from 'knex'
 * import { createScope } from 'cleanroom'
 * import 'cleanroom/knex'
 *
 * const db = knex({ client: 'pg', connection: 'postgres://localhost/test' })
 * const scope = createScope()
 * const trx = scope.track(await db.transaction(), { kind: 'knex-transaction' })
 * await trx('users').insert({ name: 'Ada' })
 * await scope.dispose() // rolls it back
 * await db.destroy()
 * ```
 */
export const knexTransactionKind: Kind<Knex.Transaction> = defineKind({
  name: 'knex-transaction',
  match: isTransaction,
  dispose: rollBack,
  describe: (trx: Knex.Transaction) =>
    `knex transaction (${describePool(trx.client as KnexClient)})`,
})

async function rollBack(trx: Knex.Transaction): Promise<void> {
  if (trx.isCompleted()) return
  await trx.rollback()
}

for (const kind of [knexKind, knexTransactionKind]) {
  if (!defaultRegistry.has(kind.name)) defaultRegistry.register(kind)
}

/** Options of {@link createTestKnex}. */
export interface CreateTestKnexOptions {
  /** The scope to track the instance in. Default: the current scope (the running test's). */
  scope?: Scope
  /** The label reports show. Default: `knex pool (<driver>) <where>`. */
  label?: string
  /** Deadline in ms for destroying the pool. Default: the scope's `timeout`. */
  timeout?: number
}

const createKeys = ['scope', 'label', 'timeout'] as const

/**
 * Creates a knex instance with `config` and tracks it in the current scope (or
 * `options.scope`): its pool is destroyed when the test (or the fixture, or the file) that
 * created it ends, under a deadline, and connections it could not take back are
 * force-released and reported (see {@link knexKind}).
 *
 * @param config - knex's own configuration (`client`, `connection`, `pool`, …)
 * @param options - where to track it, its label and deadline
 * @returns the knex instance
 * @throws {TypeError} when `config` is not an object with a `client`, or an option is invalid
 * @throws {@link index!NoActiveScopeError} without `options.scope` when no runner adapter is installed
 *
 * @example
 * ```ts
 * import { test } from 'node:test'
 * import { createTestKnex } from 'cleanroom/knex'
 *
 * test('counts users', async () => {
 *   const db = createTestKnex({
 *     client: 'better-sqlite3',
 *     connection: { filename: ':memory:' },
 *     useNullAsDefault: true,
 *   })
 *   await db.schema.createTable('users', (t) => t.string('name'))
 *   // no destroy(): cleanroom destroys the pool when the test ends
 * })
 * ```
 */
export function createTestKnex(config: Knex.Config, options?: CreateTestKnexOptions): Knex {
  const call = 'createTestKnex'
  assertPlainObject(config, call, 'config')
  const client = (config as { client?: unknown }).client
  if (typeof client !== 'string' && typeof client !== 'function') {
    throw new TypeError(
      `${call}: expected \`config.client\` to be a client name such as 'pg', 'mysql2' or 'better-sqlite3', or a knex Client class, got ${describeValue(client)}`,
    )
  }
  const scope = resolveScope(options, createKeys, call)
  const db = knex(config)
  // The kind name is declared on 'cleanroom' (what users import), not on this file's core.
  const track = {
    kind: knexKind.name,
    ...(options?.label === undefined ? {} : { label: options.label }),
    ...(options?.timeout === undefined ? {} : { timeout: options.timeout }),
  } as unknown as TrackOptions<Knex>
  return trackFor(createTestKnex, scope, db, track)
}

/** Options of {@link useTransaction}. */
export interface UseTransactionOptions {
  /** The scope the rollback belongs to. Default: the current scope (the running test's). */
  scope?: Scope
  /** Passed to `knex.transaction()`: `isolationLevel`, `readOnly`, … */
  config?: Knex.TransactionConfig
  /** The label reports show. Default: `knex transaction (<pool>)`. */
  label?: string
  /** Deadline in ms for the rollback. Default: the scope's `timeout`. */
  timeout?: number
}

const transactionKeys = ['scope', 'config', 'label', 'timeout'] as const

/**
 * Opens a transaction on `db` for the running test and rolls it back when the test ends, so
 * whatever the test wrote is gone. The code under test must run its queries on the
 * transaction it returns, not on `db`: pass it where your code takes its knex instance
 * (a constructor argument, a container registration). A transaction the test commits or
 * rolls back itself is left alone.
 *
 * @param db - the knex instance (or a transaction: the new one is a savepoint in it)
 * @param options - where the rollback belongs, the transaction's config, label and deadline
 * @returns the transaction, once it is open
 * @throws {TypeError} when `db` is not a knex instance or an option is invalid
 * @throws {@link index!NoActiveScopeError} without `options.scope` when no runner adapter is installed
 *
 * @example
 * ```ts
 * import { test } from 'node:test'
 * import knex, { type Knex } from 'knex'
 * import { useTransaction } from 'cleanroom/knex'
 *
 * declare const db: Knex
 * class Users {
 *   constructor(private readonly db: Knex) {}
 *   add(name: string) { return this.db('users').insert({ name }) }
 * }
 *
 * test('adds a user', async () => {
 *   const trx = await useTransaction(db)
 *   await new Users(trx).add('Ada') // rolled back after the test
 * })
 * ```
 */
export function useTransaction(
  db: Knex,
  options?: UseTransactionOptions,
): Promise<Knex.Transaction> {
  const call = 'useTransaction'
  // Bad input throws here, at the call, rather than in the promise.
  if (!isKnex(db) && !isTransaction(db)) {
    throw new TypeError(`${call}: expected \`db\` to be a knex instance, got ${describeValue(db)}`)
  }
  const scope = resolveScope(options, transactionKeys, call)
  if (options?.config !== undefined) assertPlainObject(options.config, call, 'config')
  const opening = db.transaction(options?.config)
  // Deferred now, before anything is awaited, so the entry is the test's and its creation
  // site the caller's line.
  deferFor(
    useTransaction,
    scope,
    async () => {
      const trx = await opening.catch(() => undefined)
      if (trx !== undefined) await rollBack(trx)
    },
    {
      label: options?.label ?? `knex transaction (${describePool(db.client as KnexClient)})`,
      ...(options?.timeout === undefined ? {} : { timeout: options.timeout }),
    },
  )
  return opening
}

function resolveScope(
  options: { scope?: Scope; label?: string; timeout?: number } | undefined,
  keys: readonly string[],
  call: string,
): Scope {
  if (options === undefined) return currentScopeFor(`${call}()`)
  assertPlainObject(options, call, 'options')
  assertKnownKeys(options, keys, call)
  assertOptionalString(options.label, call, 'label')
  assertOptionalDeadline(options.timeout, call, 'timeout')
  if (options.scope === undefined) return currentScopeFor(`${call}()`)
  if (typeof (options.scope as Partial<Scope>).track !== 'function') {
    throw new TypeError(
      `${call}: expected \`scope\` to be a scope from createScope(), got ${describeValue(options.scope)}`,
    )
  }
  return options.scope
}

import { OpenIteratorError } from '../core/errors.ts'
import { defineKind, type Kind } from '../core/kind.ts'
import type { SqliteDatabase } from './better-sqlite3-types.ts'
// The kind name is declared on the published 'cleanroom' entry, not on '../core/kind.ts': the
// bundled .d.ts keeps the augmented module's name as written, and only 'cleanroom' resolves
// for a user of the package (test/types/better-sqlite3-consumer.test.ts checks it). The import
// brings that entry's types (dist/, so build first) into programs that hold src/ alone.
import type {} from 'cleanroom'

declare module 'cleanroom' {
  interface ResourceKinds {
    /** A better-sqlite3 `Database` (`cleanroom/better-sqlite3`). */
    'better-sqlite3': SqliteDatabase
  }
}

/** The kind's name, as `track(db, { kind })` and reports show it. */
export const sqliteKindName = 'better-sqlite3'

/**
 * Whether `value` is a better-sqlite3 `Database`, by shape: the methods and getters only a
 * `Database` combines. Not `instanceof`: a database opened by another copy of better-sqlite3
 * (a second install, a module registry reset between tests) is a `Database` all the same.
 */
export function isSqliteDatabase(value: unknown): value is SqliteDatabase {
  if (typeof value !== 'object' || value === null) return false
  const db = value as Partial<Record<keyof SqliteDatabase | 'transaction', unknown>>
  return (
    typeof db.prepare === 'function' &&
    typeof db.exec === 'function' &&
    typeof db.close === 'function' &&
    typeof db.pragma === 'function' &&
    typeof db.serialize === 'function' &&
    typeof db.transaction === 'function' &&
    typeof db.open === 'boolean' &&
    typeof db.inTransaction === 'boolean' &&
    typeof db.name === 'string'
  )
}

/** The database's name for messages: its file, `:memory:`, or `(temporary)` for `''`. */
export function databaseName(db: SqliteDatabase): string {
  return db.name === '' ? '(temporary)' : db.name
}

/**
 * Closes `db` unless it is closed already.
 * @throws {@link OpenIteratorError} when an iterator is still open on it (it stays open)
 */
export function closeDatabase(db: SqliteDatabase): void {
  if (!db.open) return
  try {
    db.close()
  } catch (error) {
    if (isBusyError(error)) throw new OpenIteratorError(databaseName(db), error)
    throw error
  }
}

/**
 * Whether `close()` refused because the database is busy. better-sqlite3 says so with the same
 * message while an iterator is open and while a statement runs; a disposer never runs inside
 * a statement, so here it is an open iterator. Read from the message, not `instanceof
 * TypeError`: under Jest the addon's TypeError comes from another realm than the test's.
 */
function isBusyError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { message?: unknown }).message ===
      'This database connection is busy executing a query'
  )
}

/**
 * better-sqlite3 `Database` objects: closed with `close()`. A database with an open iterator
 * (a `statement.iterate()` not finished or returned) cannot be closed: its disposal fails with
 * an {@link OpenIteratorError} naming it, and it is left open, since only the code holding the
 * iterator can end it. An unclosed database holds no handle that keeps Node running, so leak
 * detection does not see it: tracking is what closes it. Recognised by shape, so a database
 * from any copy of better-sqlite3 matches. Registered into `defaultRegistry` when
 * `cleanroom/better-sqlite3` is imported; a file is never deleted by this kind (see
 * `createTestDatabase({ location: 'temp-file' })` for files cleanroom removes).
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3'
 * import { createScope } from 'cleanroom'
 * import { sqliteKind } from 'cleanroom/better-sqlite3'
 *
 * const scope = createScope()
 * const db = scope.track(new Database(':memory:'), { kind: 'better-sqlite3' })
 * console.log(sqliteKind.describe?.(db)) // better-sqlite3 database :memory:
 * await scope.dispose() // db.open === false
 * ```
 */
export const sqliteKind: Kind<SqliteDatabase> = defineKind({
  name: sqliteKindName,
  match: isSqliteDatabase,
  dispose: closeDatabase,
  describe: (db) => `better-sqlite3 database ${databaseName(db)}${db.open ? '' : ' (closed)'}`,
})

/**
 * The types of better-sqlite3 that cleanroom's integration uses and returns. better-sqlite3
 * ships no types of its own, so these describe the part of its API that cleanroom relies on,
 * written so that `@types/better-sqlite3`'s `Database` is assignable to them.
 */

/**
 * A prepared statement of a better-sqlite3 database: the members cleanroom's types rely on.
 *
 * @example
 * ```ts
 * import type { SqliteStatement } from 'cleanroom/better-sqlite3'
 *
 * function countRows(statement: SqliteStatement): number {
 *   return statement.all().length
 * }
 * ```
 */
export interface SqliteStatement {
  /** The SQL it was prepared from. */
  readonly source: string
  /** Whether it returns rows. */
  readonly reader: boolean
  /** Runs it; returns how many rows changed and the last inserted row id. */
  run(...params: unknown[]): SqliteRunResult
  /** The first row, or `undefined`. */
  get(...params: unknown[]): unknown
  /** Every row. */
  all(...params: unknown[]): unknown[]
  /**
   * The rows one at a time. While the iterator is unfinished, the database cannot be closed:
   * finish it, or call its `return()` (a `break` out of `for…of` does).
   */
  iterate(...params: unknown[]): IterableIterator<unknown>
}

/**
 * What `statement.run()` returns.
 *
 * @example
 * ```ts
 * import type { SqliteRunResult } from 'cleanroom/better-sqlite3'
 *
 * const result: SqliteRunResult = { changes: 1, lastInsertRowid: 1 }
 * ```
 */
export interface SqliteRunResult {
  /** How many rows the statement inserted, updated or deleted. */
  changes: number
  /** The row id of the last row inserted. */
  lastInsertRowid: number | bigint
}

/**
 * A better-sqlite3 `Database`, as cleanroom recognises it (by shape: see `sqliteKind`) and as
 * `createTestDatabase()` returns it. The object is a full better-sqlite3 `Database`; with
 * `@types/better-sqlite3` installed, `createTestDatabase() as Database.Database` gives its
 * complete type.
 *
 * @example
 * ```ts
 * import type { SqliteDatabase } from 'cleanroom/better-sqlite3'
 *
 * function userCount(db: SqliteDatabase): unknown {
 *   return db.prepare('SELECT count(*) AS n FROM users').get()
 * }
 * ```
 */
export interface SqliteDatabase {
  /** The file name it was opened with: `:memory:` for an in-memory database. */
  readonly name: string
  /** `true` until `close()`. */
  readonly open: boolean
  /** Whether a transaction is open. */
  readonly inTransaction: boolean
  /** Whether it lives in memory. */
  readonly memory: boolean
  /** Whether it was opened read-only. */
  readonly readonly: boolean
  /** Prepares one SQL statement. */
  prepare(source: string): SqliteStatement
  /** Runs SQL that may hold several statements; returns the database. */
  exec(source: string): this
  /** Runs `PRAGMA <source>`; with `{ simple: true }`, returns the first column of the first row. */
  pragma(source: string, options?: { simple?: boolean | undefined }): unknown
  /** The database as a buffer: pass it to `new Database(buffer)` for an in-memory copy. */
  serialize(options?: { attached?: string }): Buffer
  /** Closes it; a second call does nothing. Throws while an iterator is open. */
  close(): this
}

/**
 * better-sqlite3's own constructor options, passed through by `createTestDatabase({ options })`.
 *
 * @example
 * ```ts
 * import type { SqliteOptions } from 'cleanroom/better-sqlite3'
 *
 * const options: SqliteOptions = {
 *   timeout: 1_000,
 *   nativeBinding: process.env.BETTER_SQLITE3_BINDING,
 * }
 * ```
 */
export interface SqliteOptions {
  /** Open the database read-only (not for in-memory databases, unless started `from` a copy). */
  readonly?: boolean | undefined
  /** Fail if the file does not exist, instead of creating it. */
  fileMustExist?: boolean | undefined
  /** How long a statement waits for a locked database, in ms (better-sqlite3's default: 5,000). */
  timeout?: number | undefined
  /** Called with every SQL string the database runs. */
  verbose?: ((message?: unknown, ...additionalArgs: unknown[]) => void) | undefined
  /** The path of the native addon (`better_sqlite3.node`) to load, or the loaded addon. */
  nativeBinding?: string | object | undefined
}

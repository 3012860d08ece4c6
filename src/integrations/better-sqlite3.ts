// Registers how helpers find the running test's scope (the installed runtime's).
import { writeFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import { currentScopeFor, trackFor } from '../core/current-scope.ts'
import { defaultRegistry } from '../core/default-registry.ts'
import type { TrackOptions } from '../core/scope-types.ts'
import { describeValue } from '../core/validate.ts'
import { closeDatabase, sqliteKind } from './better-sqlite3-kind.ts'
import {
  planDatabase,
  pragmaLiteral,
  pragmaStatements,
  type DatabasePlan,
  type TestDatabaseOptions,
} from './better-sqlite3-options.ts'
import {
  makeTempDatabaseFile,
  removeTempDatabaseFile,
  type TempDatabaseFile,
} from './better-sqlite3-temp-file.ts'
import type { SqliteDatabase } from './better-sqlite3-types.ts'

// This module may be loaded twice (ESM and CommonJS builds) into one process-wide registry.
if (!defaultRegistry.has(sqliteKind.name)) defaultRegistry.register(sqliteKind)

/**
 * Opens a better-sqlite3 database for a test and tracks it in the current scope (or
 * `options.scope`): it is closed when the test (or fixture, or file) ends, and a
 * `'temp-file'` database's files are removed. Start it `from` a seeded database or a
 * `serialize()` buffer for a cheap, independent copy per test.
 *
 * @param options - where it lives, its pragmas, what to copy, better-sqlite3's own options,
 *   and the scope, label and deadline of its entry
 * @returns the open database
 * @throws {TypeError} when an option is unknown or invalid, naming it and the value received;
 *   when `from` is not a SQLite database image; when a `journal_mode` pragma does not take
 *   effect
 * @throws {@link index!NoActiveScopeError} without `options.scope`, when no runner adapter is
 *   installed in this process
 * @throws {@link index!ScopeClosedError} when the scope is disposing or disposed
 *
 * @example
 * ```ts
 * import { test } from 'node:test'
 * import assert from 'node:assert/strict'
 * import { createTestDatabase } from 'cleanroom/better-sqlite3'
 *
 * const seed = createTestDatabase({ pragmas: 'fast' })
 * seed.exec("CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('ada')")
 *
 * test('adds a user to its own copy', () => {
 *   const db = createTestDatabase({ from: seed })
 *   db.exec("INSERT INTO users VALUES ('grace')")
 *   assert.deepEqual(db.prepare('SELECT count(*) AS n FROM users').get(), { n: 2 })
 * })
 *
 * test('finds the seed unchanged', () => {
 *   const db = createTestDatabase({ from: seed, location: 'temp-file' })
 *   assert.deepEqual(db.prepare('SELECT count(*) AS n FROM users').get(), { n: 1 })
 * })
 * ```
 */
export function createTestDatabase(options?: TestDatabaseOptions): SqliteDatabase {
  const plan = planDatabase(options)
  const scope = plan.scope ?? currentScopeFor('createTestDatabase()')
  const temp = plan.location.type === 'temp-file' ? makeTempDatabaseFile() : undefined
  let db: SqliteDatabase | undefined
  try {
    db = openDatabase(plan, temp)
    applyPragmas(db, plan)
    // Typed through the published 'cleanroom' entry (see better-sqlite3-kind.ts), not here.
    const track = { kind: sqliteKind.name } as TrackOptions<SqliteDatabase>
    if (temp !== undefined) {
      track.dispose = (opened) => {
        disposeTempDatabase(opened, temp)
      }
    }
    if (plan.label !== undefined) track.label = plan.label
    if (plan.timeout !== undefined) track.timeout = plan.timeout
    return trackFor(createTestDatabase, scope, db, track)
  } catch (error) {
    // Nothing the caller never received is left open or on disk.
    if (db !== undefined) closeDatabase(db)
    if (temp !== undefined) removeTempDatabaseFile(temp)
    throw error
  }
}

function openDatabase(plan: DatabasePlan, temp: TempDatabaseFile | undefined): SqliteDatabase {
  const { from, options } = plan
  let source: string | Buffer
  if (temp !== undefined) {
    if (from !== undefined) writeFileSync(temp.file, from, { mode: 0o600 })
    source = temp.file
  } else if (plan.location.type === 'path') {
    source = plan.location.path
  } else {
    source = from === undefined ? ':memory:' : inMemoryImage(from)
  }
  const db = new Database(source, options) as SqliteDatabase
  if (from !== undefined) checkImage(db, from)
  return db
}

/**
 * A copy of `image` that SQLite can open in memory. A database in WAL mode says so in its
 * header (bytes 18 and 19 are 2), and SQLite cannot open such an image in memory ("unable to
 * open database file"): the copy says rollback journal (1) instead.
 */
function inMemoryImage(image: Buffer): Buffer {
  if (image.length < 20 || (image[18] !== 2 && image[19] !== 2)) return image
  const copy = Buffer.from(image)
  copy[18] = 1
  copy[19] = 1
  return copy
}

/** better-sqlite3 opens any buffer; reading the schema tells whether it is a database. */
function checkImage(db: SqliteDatabase, image: Buffer): void {
  try {
    db.pragma('schema_version')
  } catch (error) {
    closeDatabase(db)
    throw new TypeError(
      `createTestDatabase: expected \`from\` to hold a SQLite database, got a Buffer of ` +
        `${image.length} bytes that SQLite cannot read: ${error instanceof Error ? error.message : describeValue(error)}`,
      { cause: error },
    )
  }
}

function applyPragmas(db: SqliteDatabase, plan: DatabasePlan): void {
  for (const [name, value] of pragmaStatements(plan.pragmas, plan.location.type === 'memory')) {
    const result = db.pragma(`${name} = ${pragmaLiteral(value)}`, { simple: true })
    // SQLite answers a journal_mode it cannot use with the mode it kept, and no error.
    if (
      /(?:^|\.)journal_mode$/i.test(name) &&
      String(result).toLowerCase() !== String(value).toLowerCase()
    ) {
      throw new TypeError(
        `createTestDatabase: \`pragmas.${name}\` ${describeValue(value)} did not take effect: ` +
          `SQLite kept journal_mode ${describeValue(result)} for ${plan.location.type === 'memory' ? 'an in-memory database' : `database ${db.name}`}`,
      )
    }
  }
}

/**
 * Closes a database cleanroom made in a temp directory, then removes the file, its
 * `-wal`/`-shm`/`-journal` files and the directory. When an open iterator keeps the database
 * open, the files are removed all the same (POSIX lets an open file be unlinked) and the
 * {@link OpenIteratorError} is thrown after.
 */
function disposeTempDatabase(db: SqliteDatabase, temp: TempDatabaseFile): void {
  let closeError: Error | undefined
  try {
    closeDatabase(db)
  } catch (error) {
    // OpenIteratorError, or whatever better-sqlite3's close() threw: always an Error.
    closeError = error as Error
  }
  try {
    removeTempDatabaseFile(temp)
  } catch (removeError) {
    if (closeError === undefined) throw removeError
    throw new AggregateError(
      [closeError, removeError],
      `better-sqlite3 database ${db.name} could not be closed, nor its temp directory removed`,
      { cause: removeError },
    )
  }
  if (closeError !== undefined) throw closeError
}

export { sqliteKind } from './better-sqlite3-kind.ts'
export type { PragmaValue, TestDatabaseOptions } from './better-sqlite3-options.ts'
export type {
  SqliteDatabase,
  SqliteOptions,
  SqliteRunResult,
  SqliteStatement,
} from './better-sqlite3-types.ts'
export { OpenIteratorError } from '../core/errors.ts'

import type { Scope } from '../core/scope-types.ts'
import {
  assertKnownKeys,
  assertOptionalDeadline,
  assertOptionalString,
  assertPlainObject,
  describeValue,
} from '../core/validate.ts'
import { databaseName, isSqliteDatabase } from './better-sqlite3-kind.ts'
import type { SqliteDatabase, SqliteOptions } from './better-sqlite3-types.ts'

/** A pragma value: a string (quoted for SQL), a finite number, or a boolean (`ON`/`OFF`). */
export type PragmaValue = string | number | boolean

/**
 * Options of `createTestDatabase()`.
 *
 * @example
 * ```ts
 * import type { TestDatabaseOptions } from 'cleanroom/better-sqlite3'
 *
 * const options: TestDatabaseOptions = {
 *   location: 'temp-file',
 *   pragmas: { foreign_keys: true, busy_timeout: 1_000 },
 *   label: 'orders database',
 * }
 * ```
 */
export interface TestDatabaseOptions {
  /**
   * Where the database lives. `'memory'` (default): in memory. `'temp-file'`: a file in a
   * fresh directory under the OS temp dir, removed with its `-wal`/`-shm`/`-journal` files
   * when the database is disposed. Any other string: the path of your own file (with a
   * directory or an extension, such as `./app.db`), opened (and created if missing) and
   * closed, never deleted.
   */
  location?: 'memory' | 'temp-file' | (string & Record<never, never>)
  /**
   * Pragmas set right after opening. `'fast'`: `journal_mode = WAL` for a file (`MEMORY` in
   * memory), `synchronous = OFF`, `temp_store = MEMORY`. An object: each `name: value` set in
   * order, as `PRAGMA name = value`.
   */
  pragmas?: 'fast' | Readonly<Record<string, PragmaValue>>
  /**
   * Start from a copy: a `serialize()` buffer, or another open database (serialized). The
   * copy is independent of its source. In memory by default; with `location: 'temp-file'`,
   * written to the temp file. Not with a path of your own.
   */
  from?: Buffer | SqliteDatabase
  /** better-sqlite3's own constructor options: `readonly`, `nativeBinding`, `verbose`, `timeout`… */
  options?: SqliteOptions
  /** The scope to track the database in. Default: the current scope (see `currentScope()`). */
  scope?: Scope
  /** Shown in reports. Default: `better-sqlite3 database <file or :memory:>`. */
  label?: string
  /** Deadline for closing it (and removing its temp file), in ms. Default: the scope's. */
  timeout?: number
}

/** What `createTestDatabase()` does, once its options are checked. */
export interface DatabasePlan {
  readonly location: { type: 'memory' } | { type: 'temp-file' } | { type: 'path'; path: string }
  readonly pragmas: 'fast' | ReadonlyArray<readonly [string, PragmaValue]> | undefined
  readonly from: Buffer | undefined
  readonly options: SqliteOptions | undefined
  readonly scope: Scope | undefined
  readonly label: string | undefined
  readonly timeout: number | undefined
}

const call = 'createTestDatabase'
const optionKeys = ['location', 'pragmas', 'from', 'options', 'scope', 'label', 'timeout'] as const
const sqliteOptionKeys = ['readonly', 'fileMustExist', 'timeout', 'verbose', 'nativeBinding']
// A pragma name, optionally with a schema: `journal_mode`, `main.cache_size`.
const pragmaName = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?$/

/**
 * Checks `createTestDatabase()`'s options, before anything is opened or made on disk.
 * @throws {TypeError} naming the option and the value received
 */
export function planDatabase(options: unknown): DatabasePlan {
  if (options === undefined) {
    return {
      location: { type: 'memory' },
      pragmas: undefined,
      from: undefined,
      options: undefined,
      scope: undefined,
      label: undefined,
      timeout: undefined,
    }
  }
  assertPlainObject(options, call, 'options')
  assertKnownKeys(options, optionKeys, call)
  const given = options as Partial<Record<(typeof optionKeys)[number], unknown>>
  assertOptionalString(given.label, call, 'label')
  assertOptionalDeadline(given.timeout, call, 'timeout')
  const location = planLocation(given.location)
  const from = planFrom(given.from)
  if (from !== undefined && location.type === 'path') {
    throw new TypeError(
      `${call}: \`from\` copies into memory or into a temp file, not into a path of yours ` +
        `(\`location\` ${describeValue(location.path)}), which cleanroom would overwrite. Use ` +
        "`location: 'temp-file'`, or write the copy to your file yourself.",
    )
  }
  return {
    location,
    pragmas: planPragmas(given.pragmas),
    from,
    options: planSqliteOptions(given.options),
    scope: planScope(given.scope),
    label: given.label as string | undefined,
    timeout: given.timeout as number | undefined,
  }
}

function planLocation(location: unknown): DatabasePlan['location'] {
  if (location === undefined || location === 'memory') return { type: 'memory' }
  if (location === 'temp-file') return { type: 'temp-file' }
  if (typeof location === 'string' && looksLikePath(location)) {
    return { type: 'path', path: location }
  }
  throw new TypeError(
    `${call}: expected \`location\` to be 'memory', 'temp-file' or the path of a database ` +
      `file (with a directory or an extension, such as ./app.db), got ${describeValue(location)}`,
  )
}

/**
 * A path has a directory or an extension: so a misspelt `'temp-file'` or `'memory'` is an
 * error, not a database file of that name in the working directory.
 */
function looksLikePath(location: string): boolean {
  return location !== ':memory:' && /[./\\]/.test(location)
}

function planFrom(from: unknown): Buffer | undefined {
  if (from === undefined || Buffer.isBuffer(from)) return from
  if (isSqliteDatabase(from)) {
    if (!from.open) {
      throw new TypeError(
        `${call}: expected \`from\` to be an open database, got better-sqlite3 database ` +
          `${databaseName(from)}, which is closed`,
      )
    }
    return from.serialize()
  }
  throw new TypeError(
    `${call}: expected \`from\` to be a Buffer from db.serialize() or a better-sqlite3 ` +
      `database, got ${describeValue(from)}`,
  )
}

function planPragmas(pragmas: unknown): DatabasePlan['pragmas'] {
  if (pragmas === undefined || pragmas === 'fast') return pragmas
  if (typeof pragmas !== 'object' || pragmas === null || Array.isArray(pragmas)) {
    throw new TypeError(
      `${call}: expected \`pragmas\` to be 'fast' or an object of pragma names and values, ` +
        `got ${describeValue(pragmas)}`,
    )
  }
  return Object.entries(pragmas).map(([name, value]: [string, unknown]) => {
    if (!pragmaName.test(name)) {
      throw new TypeError(
        `${call}: expected pragma names like \`journal_mode\` or \`main.cache_size\`, got ` +
          `\`pragmas\` key ${describeValue(name)}`,
      )
    }
    const valid =
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value))
    if (!valid) {
      throw new TypeError(
        `${call}: expected \`pragmas.${name}\` to be a string, a finite number or a boolean, ` +
          `got ${describeValue(value)}`,
      )
    }
    return [name, value] as const
  })
}

function planSqliteOptions(options: unknown): SqliteOptions | undefined {
  if (options === undefined) return undefined
  assertPlainObject(options, call, 'options')
  for (const key of Object.keys(options)) {
    if (!sqliteOptionKeys.includes(key)) {
      throw new TypeError(
        `${call}: unknown better-sqlite3 option \`options.${key}\`. Known: ` +
          sqliteOptionKeys.map((k) => `\`${k}\``).join(', '),
      )
    }
  }
  return options
}

function planScope(scope: unknown): Scope | undefined {
  if (scope === undefined) return undefined
  if (!isScope(scope)) {
    throw new TypeError(
      `${call}: expected \`scope\` to be a scope from createScope() or currentScope(), got ` +
        describeValue(scope),
    )
  }
  return scope
}

/** A scope from any copy of cleanroom: it has the method helpers track through. */
function isScope(value: unknown): value is Scope {
  if (typeof value !== 'object' || value === null) return false
  const scope = value as Partial<Record<'track' | 'trackFrom' | 'dispose', unknown>>
  return (
    typeof scope.track === 'function' &&
    typeof scope.trackFrom === 'function' &&
    typeof scope.dispose === 'function'
  )
}

/** The `PRAGMA` statements to run, for a database in memory or in a file. */
export function pragmaStatements(
  pragmas: DatabasePlan['pragmas'],
  inMemory: boolean,
): Array<readonly [string, PragmaValue]> {
  if (pragmas === undefined) return []
  if (pragmas === 'fast') {
    return [
      ['journal_mode', inMemory ? 'MEMORY' : 'WAL'],
      ['synchronous', 'OFF'],
      ['temp_store', 'MEMORY'],
    ]
  }
  return [...pragmas]
}

/** `value` as SQL: a quoted string, a number, or `ON`/`OFF`. */
export function pragmaLiteral(value: PragmaValue): string {
  if (typeof value === 'boolean') return value ? 'ON' : 'OFF'
  if (typeof value === 'number') return String(value)
  return `'${value.replaceAll("'", "''")}'`
}

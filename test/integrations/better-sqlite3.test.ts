import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  CleanupError,
  DisposeError,
  OpenIteratorError,
  ScopeClosedError,
  createScope,
  defaultRegistry,
  defineFixture,
  NoActiveScopeError,
} from 'cleanroom'
import {
  OpenIteratorError as OpenIteratorErrorFromEntry,
  createTestDatabase,
  sqliteKind,
  type SqliteDatabase,
} from 'cleanroom/better-sqlite3'
import { Database, loadSeparateCopy, sqliteOptions } from './sqlite-helpers.ts'

const thisFile = 'test/integrations/better-sqlite3.test.ts'
const options = sqliteOptions

function count(db: SqliteDatabase): number {
  return (db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n
}

function tempDirs(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('cleanroom-sqlite-'))
}

describe('sqliteKind', () => {
  test('is registered into defaultRegistry on import, once across the ESM and CommonJS builds', () => {
    expect(defaultRegistry.get('better-sqlite3')).toBe(sqliteKind)
    const cjs = createRequire(import.meta.url)('cleanroom/better-sqlite3') as {
      sqliteKind: unknown
    }
    // The CommonJS copy found the kind registered and did not register its own.
    expect(cjs.sqliteKind).not.toBe(sqliteKind)
    expect(defaultRegistry.get('better-sqlite3')).toBe(sqliteKind)
  })

  test('closes a tracked database, matched without a kind name', async () => {
    const scope = createScope({ name: 'kind' })
    const db = scope.track(new Database(':memory:', options))
    const report = await scope.dispose()
    expect(db.open).toBe(false)
    expect(report.entries).toMatchObject([
      { kind: 'better-sqlite3', label: 'better-sqlite3 database :memory:', outcome: 'ok' },
    ])
  })

  test('recognises a database by shape, from a separately loaded copy of better-sqlite3', async () => {
    const OtherDatabase = loadSeparateCopy()
    expect(OtherDatabase).not.toBe(Database)
    const db = new OtherDatabase(':memory:', options)
    expect(db instanceof Database).toBe(false)
    expect(sqliteKind.match(db)).toBe(true)
    const scope = createScope()
    scope.track(db, { kind: 'better-sqlite3' })
    await scope.dispose()
    expect(db.open).toBe(false)
  })

  test('matches no other value', () => {
    const lookalike = {
      prepare() {},
      exec() {},
      close() {},
      pragma() {},
      serialize() {},
      transaction() {},
      name: ':memory:',
      open: 'yes',
      inTransaction: false,
    }
    expect(sqliteKind.match(lookalike)).toBe(false)
    expect(sqliteKind.match({ ...lookalike, open: true })).toBe(true)
    expect(sqliteKind.match(null)).toBe(false)
    expect(sqliteKind.match(new AbortController())).toBe(false)
    expect(sqliteKind.match(Database)).toBe(false)
  })

  test('describes the database by its file, and says when it is closed', () => {
    const db = new Database(':memory:', options)
    expect(sqliteKind.describe?.(db)).toBe('better-sqlite3 database :memory:')
    db.close()
    expect(sqliteKind.describe?.(db)).toBe('better-sqlite3 database :memory: (closed)')
  })

  test('disposing a database twice, or one already closed, is harmless', async () => {
    const db = new Database(':memory:', options)
    sqliteKind.dispose(db)
    sqliteKind.dispose(db)
    expect(db.open).toBe(false)
    const scope = createScope()
    const tracked = createTestDatabase({ scope, options })
    tracked.close()
    const first = await scope.dispose()
    expect(first.entries[0]?.outcome).toBe('ok')
    expect(await scope.dispose()).toBe(first)
  })

  test('reports an open iterator, naming the database, and leaves the database open', async () => {
    const scope = createScope({ name: 'iterating' })
    const db = createTestDatabase({ scope, options })
    db.exec('CREATE TABLE items (n); INSERT INTO items VALUES (1), (2)')
    const rows = db.prepare('SELECT n FROM items').iterate()
    rows.next()
    const error = await scope.dispose().catch((failure: unknown) => failure)
    expect(error).toBeInstanceOf(CleanupError)
    const [failure] = (error as CleanupError).errors
    expect(failure).toBeInstanceOf(DisposeError)
    expect(failure?.resource.label).toBe('better-sqlite3 database :memory:')
    expect(failure?.resource.created).toMatch(new RegExp(`^${thisFile}:\\d+:\\d+$`))
    const cause = failure?.cause
    expect(cause).toBeInstanceOf(OpenIteratorError)
    expect(cause).toBeInstanceOf(OpenIteratorErrorFromEntry)
    expect(cause).toMatchObject({ code: 'ERR_CLEANROOM_OPEN_ITERATOR', database: ':memory:' })
    expect((cause as Error).message).toBe(
      'better-sqlite3 database :memory: cannot be closed: an iterator from statement.iterate() ' +
        "is still open on it. Finish the iteration, or call the iterator's return() (a break " +
        'out of for…of does), before the test ends. The database was left open: better-sqlite3 ' +
        'refuses to close it while the iterator lives, and cleanroom cannot reach the iterator.',
    )
    expect((cause as Error).cause).toMatchObject({
      name: 'TypeError',
      message: 'This database connection is busy executing a query',
    })
    expect((error as CleanupError).message).toContain(
      '"better-sqlite3 database :memory:" (created at test/integrations/better-sqlite3.test.ts:',
    )
    expect(db.open).toBe(true)
    rows.return?.()
    db.close()
  })
})

describe('createTestDatabase in memory', () => {
  test('opens an in-memory database tracked in the given scope, created at the caller’s line', async () => {
    const scope = createScope({ name: 'memory' })
    const db = createTestDatabase({ scope, options })
    expect(db.open).toBe(true)
    expect(db.memory).toBe(true)
    expect(db.name).toBe(':memory:')
    db.exec('CREATE TABLE items (n)')
    const report = await scope.dispose()
    expect(db.open).toBe(false)
    expect(report.entries).toHaveLength(1)
    expect(report.entries[0]).toMatchObject({
      kind: 'better-sqlite3',
      label: 'better-sqlite3 database :memory:',
      outcome: 'ok',
    })
    expect(report.entries[0]?.created).toMatch(new RegExp(`^${thisFile}:\\d+:\\d+$`))
  })

  test('takes a label and a deadline for its entry', async () => {
    const scope = createScope()
    createTestDatabase({ scope, options, label: 'orders db', timeout: 50 })
    const report = await scope.dispose()
    expect(report.entries[0]).toMatchObject({ label: 'orders db', outcome: 'ok' })
  })

  test('passes better-sqlite3’s own options through', async () => {
    const scope = createScope()
    const statements: unknown[] = []
    const db = createTestDatabase({
      scope,
      options: { ...options, verbose: (sql) => statements.push(sql) },
    })
    db.exec('CREATE TABLE items (n)')
    expect(statements).toEqual(['CREATE TABLE items (n)'])
    const seed = createTestDatabase({ scope, options })
    seed.exec('CREATE TABLE items (n)')
    const readonly = createTestDatabase({
      scope,
      from: seed,
      options: { ...options, readonly: true },
    })
    expect(readonly.readonly).toBe(true)
    expect(() => readonly.exec('INSERT INTO items VALUES (1)')).toThrow(
      'attempt to write a readonly database',
    )
    await scope.dispose()
  })

  test('sets the fast pragmas, read back from the database', async () => {
    const scope = createScope()
    const db = createTestDatabase({ scope, options, pragmas: 'fast' })
    expect(db.pragma('journal_mode', { simple: true })).toBe('memory')
    expect(db.pragma('synchronous', { simple: true })).toBe(0) // OFF
    expect(db.pragma('temp_store', { simple: true })).toBe(2) // MEMORY
    await scope.dispose()
  })

  test('sets pragmas given as names and values, in order', async () => {
    const scope = createScope()
    const db = createTestDatabase({
      scope,
      options,
      pragmas: {
        foreign_keys: true,
        cache_size: -4000,
        user_version: 7,
        'main.application_id': 42,
      },
    })
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('cache_size', { simple: true })).toBe(-4000)
    expect(db.pragma('user_version', { simple: true })).toBe(7)
    expect(db.pragma('application_id', { simple: true })).toBe(42)
    await scope.dispose()
  })

  test('refuses a journal_mode SQLite does not take, and leaves nothing open', async () => {
    const scope = createScope()
    expect(() => createTestDatabase({ scope, options, pragmas: { journal_mode: 'WAL' } })).toThrow(
      new TypeError(
        'createTestDatabase: `pragmas.journal_mode` "WAL" did not take effect: SQLite kept journal_mode "memory" for an in-memory database',
      ),
    )
    const report = await scope.dispose()
    expect(report.entries).toHaveLength(0)
  })
})

describe('createTestDatabase from a copy', () => {
  test('gives each copy of a seeded database its own data', async () => {
    const scope = createScope()
    const seed = createTestDatabase({ scope, options })
    seed.exec('CREATE TABLE items (n); INSERT INTO items VALUES (1)')
    const first = createTestDatabase({ scope, options, from: seed })
    const second = createTestDatabase({ scope, options, from: seed.serialize() })
    first.exec('INSERT INTO items VALUES (2), (3)')
    second.exec('DELETE FROM items')
    expect(count(first)).toBe(3)
    expect(count(second)).toBe(0)
    expect(count(seed)).toBe(1)
    expect(first.memory).toBe(true)
    await scope.dispose()
    expect([seed.open, first.open, second.open]).toEqual([false, false, false])
  })

  test('copies a file database in WAL mode into memory', async () => {
    const scope = createScope()
    const seed = createTestDatabase({ scope, options, location: 'temp-file', pragmas: 'fast' })
    seed.exec('CREATE TABLE items (n); INSERT INTO items VALUES (1)')
    expect(seed.pragma('journal_mode', { simple: true })).toBe('wal')
    // SQLite cannot open a WAL image in memory as it is: the copy is made to say otherwise.
    const raw = new Database(seed.serialize(), options)
    expect(() => raw.pragma('schema_version')).toThrow('unable to open database file')
    raw.close()
    const copy = createTestDatabase({ scope, options, from: seed })
    copy.exec('INSERT INTO items VALUES (2)')
    expect([count(copy), count(seed)]).toEqual([2, 1])
    await scope.dispose()
  })

  test('writes the copy to the temp file with location temp-file', async () => {
    const scope = createScope()
    const seed = createTestDatabase({ scope, options })
    seed.exec('CREATE TABLE items (n); INSERT INTO items VALUES (1)')
    const copy = createTestDatabase({ scope, options, from: seed, location: 'temp-file' })
    expect(copy.memory).toBe(false)
    expect(existsSync(copy.name)).toBe(true)
    copy.exec('INSERT INTO items VALUES (2)')
    expect([count(copy), count(seed)]).toEqual([2, 1])
    await scope.dispose()
    expect(existsSync(dirname(copy.name))).toBe(false)
  })

  test('refuses a buffer that holds no database, a closed database and anything else', () => {
    const scope = createScope()
    expect(() =>
      createTestDatabase({ scope, options, from: Buffer.from('not a database at all') }),
    ).toThrow(
      new TypeError(
        'createTestDatabase: expected `from` to hold a SQLite database, got a Buffer of 21 bytes that SQLite cannot read: file is not a database',
      ),
    )
    const closed = new Database(':memory:', options).close()
    expect(() => createTestDatabase({ scope, from: closed })).toThrow(
      new TypeError(
        'createTestDatabase: expected `from` to be an open database, got better-sqlite3 database :memory:, which is closed',
      ),
    )
    expect(() => createTestDatabase({ scope, from: 'seed.db' as unknown as Buffer })).toThrow(
      new TypeError(
        'createTestDatabase: expected `from` to be a Buffer from db.serialize() or a better-sqlite3 database, got "seed.db"',
      ),
    )
  })
})

describe('createTestDatabase in a temp file', () => {
  test('removes the file, its -wal and -shm files and its directory when disposed', async () => {
    const scope = createScope()
    const db = createTestDatabase({ scope, options, location: 'temp-file', pragmas: 'fast' })
    const directory = dirname(db.name)
    expect(dirname(directory)).toBe(tmpdir())
    expect(directory).toMatch(/cleanroom-sqlite-/)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('synchronous', { simple: true })).toBe(0)
    expect(db.pragma('temp_store', { simple: true })).toBe(2)
    db.exec('CREATE TABLE items (n); INSERT INTO items VALUES (1)')
    expect(readdirSync(directory).sort()).toEqual(['test.db', 'test.db-shm', 'test.db-wal'])
    const report = await scope.dispose()
    expect(report.entries[0]).toMatchObject({
      kind: 'better-sqlite3',
      label: `better-sqlite3 database ${db.name}`,
      outcome: 'ok',
    })
    expect(db.open).toBe(false)
    expect(existsSync(directory)).toBe(false)
  })

  test('removes -wal and -shm files that a second connection keeps', async () => {
    const scope = createScope()
    const db = createTestDatabase({ scope, options, location: 'temp-file', pragmas: 'fast' })
    db.exec('CREATE TABLE items (n); INSERT INTO items VALUES (1)')
    const other = new Database(db.name, options)
    expect(count(other)).toBe(1)
    await scope.dispose()
    expect(existsSync(dirname(db.name))).toBe(false)
    other.close()
    expect(existsSync(dirname(db.name))).toBe(false)
  })

  test('removes the files even when an open iterator keeps the database open, and reports it', async () => {
    const scope = createScope()
    const db = createTestDatabase({ scope, options, location: 'temp-file', pragmas: 'fast' })
    db.exec('CREATE TABLE items (n); INSERT INTO items VALUES (1), (2)')
    const rows = db.prepare('SELECT n FROM items').iterate()
    rows.next()
    const error = await scope.dispose().catch((failure: unknown) => failure)
    expect((error as CleanupError).errors[0]?.cause).toMatchObject({
      code: 'ERR_CLEANROOM_OPEN_ITERATOR',
      database: db.name,
    })
    expect(existsSync(dirname(db.name))).toBe(false)
    rows.return?.()
    db.close()
  })

  test('never removes a file at a path of yours', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'users-own-'))
    try {
      const path = join(directory, 'app.db')
      const scope = createScope()
      const db = createTestDatabase({ scope, options, location: path, pragmas: 'fast' })
      db.exec('CREATE TABLE items (n); INSERT INTO items VALUES (1)')
      await scope.dispose()
      expect(db.open).toBe(false)
      expect(readdirSync(directory)).toEqual(['app.db'])
      const reopened = new Database(path, options)
      expect(count(reopened)).toBe(1)
      reopened.close()
    } finally {
      rmSync(directory, { recursive: true })
    }
  })

  test('leaves no directory behind when the scope is closed', async () => {
    const scope = createScope({ name: 'done' })
    await scope.dispose()
    const before = tempDirs()
    expect(() => createTestDatabase({ scope, options, location: 'temp-file' })).toThrow(
      ScopeClosedError,
    )
    expect(tempDirs()).toEqual(before)
  })
})

describe('createTestDatabase in the current scope', () => {
  test('throws NoActiveScopeError with no scope and cleanroom not installed, making nothing', () => {
    const before = tempDirs()
    const create = () => createTestDatabase({ location: 'temp-file', options })
    expect(create).toThrow(NoActiveScopeError)
    expect(create).toThrow(
      expect.objectContaining({
        code: 'ERR_CLEANROOM_NO_ACTIVE_SCOPE',
        message: expect.stringMatching(
          /^createTestDatabase\(\) was called, but cleanroom is not installed in this process, so there is no test, file or worker scope to put it in\./,
        ) as unknown,
      }),
    )
    expect(tempDirs()).toEqual(before)
  })

  test('tracks in the fixture’s scope while a fixture sets up', async () => {
    const database = defineFixture({
      name: 'database',
      setup: () => createTestDatabase({ options, location: 'temp-file' }),
    })
    const scope = createScope({ name: 'file', level: 'test' })
    const db = await scope.use(database)
    expect(db.open).toBe(true)
    await scope.dispose()
    expect(db.open).toBe(false)
    expect(existsSync(dirname(db.name))).toBe(false)
  })
})

describe('createTestDatabase input', () => {
  const scope = createScope()
  test.each([
    [
      'an unknown option',
      { scope, locaton: 'memory' },
      'createTestDatabase: unknown option `locaton`. Known options: `location`, `pragmas`, `from`, `options`, `scope`, `label`, `timeout`',
    ],
    [
      'options that are not an object',
      'memory',
      'createTestDatabase: expected `options` to be an object, got "memory"',
    ],
    [
      'an empty location',
      { scope, location: '' },
      "createTestDatabase: expected `location` to be 'memory', 'temp-file' or the path of a database file (with a directory or an extension, such as ./app.db), got \"\"",
    ],
    [
      'the :memory: file name as a location',
      { scope, location: ':memory:' },
      "createTestDatabase: expected `location` to be 'memory', 'temp-file' or the path of a database file (with a directory or an extension, such as ./app.db), got \":memory:\"",
    ],
    [
      'a misspelt temp-file, which is no path either',
      { scope, location: 'tmp-file' },
      "createTestDatabase: expected `location` to be 'memory', 'temp-file' or the path of a database file (with a directory or an extension, such as ./app.db), got \"tmp-file\"",
    ],
    [
      'a location that is not a string',
      { scope, location: 3 },
      "createTestDatabase: expected `location` to be 'memory', 'temp-file' or the path of a database file (with a directory or an extension, such as ./app.db), got 3",
    ],
    [
      'pragmas that are neither fast nor an object',
      { scope, pragmas: 'faster' },
      'createTestDatabase: expected `pragmas` to be \'fast\' or an object of pragma names and values, got "faster"',
    ],
    [
      'a pragma name that is not one',
      { scope, pragmas: { 'cache_size = 0; DROP': 1 } },
      'createTestDatabase: expected pragma names like `journal_mode` or `main.cache_size`, got `pragmas` key "cache_size = 0; DROP"',
    ],
    [
      'a pragma value that is not a string, number or boolean',
      { scope, pragmas: { cache_size: Number.NaN } },
      'createTestDatabase: expected `pragmas.cache_size` to be a string, a finite number or a boolean, got NaN',
    ],
    [
      'better-sqlite3 options that are not an object',
      { scope, options: true },
      'createTestDatabase: expected `options` to be an object, got true',
    ],
    [
      'an unknown better-sqlite3 option',
      { scope, options: { readOnly: true } },
      'createTestDatabase: unknown better-sqlite3 option `options.readOnly`. Known: `readonly`, `fileMustExist`, `timeout`, `verbose`, `nativeBinding`',
    ],
    [
      'a scope that is not one',
      { scope: { track: () => undefined } },
      'createTestDatabase: expected `scope` to be a scope from createScope() or currentScope(), got an object',
    ],
    [
      'a label that is not a string',
      { scope, label: 7 },
      'createTestDatabase: expected `label` to be a string, got 7',
    ],
    [
      'a timeout that is not positive',
      { scope, timeout: 0 },
      'createTestDatabase: expected `timeout` to be a positive number of milliseconds, got 0',
    ],
    [
      'from with a path of yours',
      { scope, location: 'app.db', from: Buffer.alloc(0) },
      'createTestDatabase: `from` copies into memory or into a temp file, not into a path of yours (`location` "app.db"), which cleanroom would overwrite. Use `location: \'temp-file\'`, or write the copy to your file yourself.',
    ],
  ])('refuses %s with a TypeError naming it', (_case, given, message) => {
    const create = createTestDatabase as (options: unknown) => unknown
    expect(() => create(given)).toThrow(new TypeError(message))
  })

  test('checks every option before making anything on disk', async () => {
    const before = tempDirs()
    expect(() =>
      createTestDatabase({ scope, location: 'temp-file', label: 5 as unknown as string }),
    ).toThrow(TypeError)
    expect(tempDirs()).toEqual(before)
    expect((await scope.dispose()).entries).toHaveLength(0)
  })
})

import { readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import knex, { type Knex } from 'knex'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CleanupError,
  createScope,
  defaultRegistry,
  defineFixture,
  DisposeError,
  DisposeTimeoutError,
  PoolDrainError,
  type Scope,
} from 'cleanroom'
import { createTestKnex, knexKind, knexTransactionKind, useTransaction } from 'cleanroom/knex'
import { serverAvailable, servers, sqliteOptions, uniqueName } from '../helpers/servers.ts'

const thisFile = 'test/integrations/knex.test.ts'

/** A database of its own for one backend: a knex config reaching it, and how to drop it. */
interface Backend {
  readonly name: string
  /** How reports name its pools. */
  readonly pool: string
  readonly config: Knex.Config
  /** A connection outside any test, to look at what the tests left. */
  readonly admin: Knex
  drop(): Promise<void>
}

function sqliteBackend(): Promise<Backend> {
  const filename = join(tmpdir(), `${uniqueName('cleanroom_knex')}.db`)
  const config: Knex.Config = {
    client: 'better-sqlite3',
    connection: { filename, options: sqliteOptions() },
    useNullAsDefault: true,
  }
  const admin = knex(config)
  return Promise.resolve({
    name: 'better-sqlite3',
    pool: `knex pool (better-sqlite3) ${filename}`,
    config,
    admin,
    async drop() {
      await admin.destroy()
      for (const suffix of ['', '-wal', '-shm', '-journal'])
        rmSync(filename + suffix, { force: true })
    },
  })
}

async function postgresBackend(): Promise<Backend> {
  const schema = uniqueName('cleanroom_knex')
  const root = knex(servers.PostgreSQL)
  await root.raw('create schema ??', [schema])
  await root.destroy()
  const config: Knex.Config = { ...servers.PostgreSQL, searchPath: [schema] }
  const admin = knex(config)
  return {
    name: 'PostgreSQL',
    pool: 'knex pool (pg) 127.0.0.1:5432/test',
    config,
    admin,
    async drop() {
      await admin.raw('drop schema ?? cascade', [schema])
      await admin.destroy()
    },
  }
}

async function mariadbBackend(): Promise<Backend> {
  const database = uniqueName('cleanroom_knex')
  const root = knex(servers.MariaDB)
  await root.raw('create database ??', [database])
  await root.destroy()
  const config: Knex.Config = {
    ...servers.MariaDB,
    connection: { ...servers.MariaDB.connection, database },
  }
  const admin = knex(config)
  return {
    name: 'MariaDB',
    pool: `knex pool (mysql2) 127.0.0.1:3306/${database}`,
    config,
    admin,
    async drop() {
      await admin.raw('drop database ??', [database])
      await admin.destroy()
    },
  }
}

const available = {
  PostgreSQL: await serverAvailable('PostgreSQL'),
  MariaDB: await serverAvailable('MariaDB'),
}

const backends: [string, boolean, () => Promise<Backend>][] = [
  ['better-sqlite3', true, sqliteBackend],
  ['PostgreSQL', available.PostgreSQL, postgresBackend],
  ['MariaDB', available.MariaDB, mariadbBackend],
]

/** The parts of knex's (untyped) client these tests use. */
interface Client {
  pool: unknown
  acquireConnection(): Promise<unknown>
  destroyRawConnection(connection: unknown): Promise<void>
}
const clientOf = (db: Knex): Client => db.client as Client
const poolOf = (db: Knex): unknown => clientOf(db).pool

/** The pool drain failure a scope's dispose reported, with the error chain checked. */
async function drainFailure(scope: Scope): Promise<PoolDrainError> {
  const error: unknown = await scope.dispose().then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(CleanupError)
  const [first, ...rest] = (error as CleanupError).errors as unknown[]
  expect(rest).toEqual([])
  expect(first).toBeInstanceOf(DisposeError)
  const cause = (first as DisposeError).cause
  expect(cause).toBeInstanceOf(PoolDrainError)
  return cause as PoolDrainError
}

/** `thisFile:line:column` of the line containing `marker` in this file (a `// at: marker` tag). */
function line(marker: string): RegExp {
  return new RegExp(`^${thisFile.replace(/[.]/g, '\\.')}:${String(lineOf(marker))}:\\d+$`)
}

const source = readFileSync(new URL(import.meta.url), 'utf8').split('\n')
function lineOf(marker: string): number {
  const index = source.findIndex((l) => l.endsWith(`// at: ${marker}`))
  if (index < 0) throw new Error(`no line tagged ${marker}`)
  return index + 1
}

describe.each(backends)('cleanroom/knex on %s', (_name, up, create) => {
  let backend: Backend
  beforeAll(async () => {
    if (!up) return
    backend = await create()
    await backend.admin.schema.createTable('users', (t) => {
      t.increments('id')
      t.string('name')
    })
  })
  afterAll(async () => {
    if (up) await backend.drop()
  })

  it.skipIf(!up)(
    'destroys the pool it created when its scope ends, reported as a knex pool',
    async () => {
      const scope = createScope({ name: 'test' })
      const db = createTestKnex(backend.config, { scope })
      expect(await db('users').count({ n: '*' })).toHaveLength(1)
      const report = await scope.dispose()
      expect(report.entries).toEqual([
        expect.objectContaining({ kind: 'knex', label: backend.pool, outcome: 'ok' }),
      ])
      expect(poolOf(db)).toBeUndefined()
    },
  )

  it.skipIf(!up)('rolls back what a test wrote through useTransaction()', async () => {
    const db = knex(backend.config)
    try {
      const scope = createScope({ name: 'test' })
      const trx = await useTransaction(db, { scope })
      await trx('users').insert({ name: 'Ada' })
      expect(await trx('users').where({ name: 'Ada' })).toHaveLength(1)
      const report = await scope.dispose()
      expect(report.entries).toEqual([
        expect.objectContaining({ label: `knex transaction (${backend.pool})`, outcome: 'ok' }),
      ])
      expect(trx.isCompleted()).toBe(true)
      expect(await backend.admin('users').where({ name: 'Ada' })).toEqual([])
      // The pool is whole: the transaction gave its connection back.
      expect(await db('users').where({ name: 'Ada' })).toEqual([])
    } finally {
      await db.destroy()
    }
  })

  it.skipIf(!up)('leaves alone a transaction the test committed itself', async () => {
    const db = knex(backend.config)
    try {
      const scope = createScope({ name: 'test' })
      const trx = await useTransaction(db, { scope })
      await trx('users').insert({ name: 'Grace' })
      await trx.commit()
      await scope.dispose()
      expect(await backend.admin('users').where({ name: 'Grace' })).toHaveLength(1)
    } finally {
      await backend.admin('users').where({ name: 'Grace' }).delete()
      await db.destroy()
    }
  })

  it.skipIf(!up)(
    'force-releases a connection acquired and never released, and reports where',
    async () => {
      const scope = createScope({ name: 'test' })
      const db = createTestKnex(backend.config, { scope })
      await clientOf(db).acquireConnection() // at: acquire
      const started = performance.now()
      const drain = await drainFailure(scope)
      expect(performance.now() - started).toBeLessThan(2_000)
      expect(drain.code).toBe('ERR_CLEANROOM_POOL_DRAIN')
      expect(drain.pool).toBe(backend.pool)
      expect(drain.held).toEqual([
        {
          holder: 'a connection acquired with acquireConnection() and never released',
          created: expect.stringMatching(line('acquire')) as unknown,
        },
      ])
      expect(drain.message).toBe(
        `${backend.pool} could not drain: 1 connection was still checked out when it was disposed:\n` +
          `  - a connection acquired with acquireConnection() and never released created at ${String(drain.held[0]?.created)}\n` +
          'They were force-released and the pool destroyed. Commit or roll back every transaction and release every connection in the test, or use useTransaction() and let cleanroom roll back.',
      )
      expect(poolOf(db)).toBeUndefined()
    },
  )

  it.skipIf(!up)(
    'rolls back a transaction left open, reports where it was opened, and destroys the pool',
    async () => {
      const scope = createScope({ name: 'test' })
      const db = createTestKnex(backend.config, { scope })
      const trx = await db.transaction() // at: open transaction
      await trx('users').insert({ name: 'Linus' })
      const drain = await drainFailure(scope)
      expect(drain.held).toEqual([
        {
          holder: 'a transaction never committed or rolled back (cleanroom rolled it back)',
          created: expect.stringMatching(line('open transaction')) as unknown,
        },
      ])
      expect(trx.isCompleted()).toBe(true)
      expect(await backend.admin('users').where({ name: 'Linus' })).toEqual([])
      expect(poolOf(db)).toBeUndefined()
    },
  )

  it.skipIf(!up)('destroys a pool shared by withUserParams() clones once', async () => {
    const scope = createScope({ name: 'test' })
    const db = createTestKnex(backend.config, { scope })
    const clone = scope.track(db.withUserParams({ tenant: 'a' }))
    await clone('users').count({ n: '*' })
    const pool = poolOf(db) as { destroy(): Promise<void> }
    expect(poolOf(clone)).toBe(pool)
    let destroys = 0
    const destroy = pool.destroy.bind(pool)
    pool.destroy = () => {
      destroys++
      return destroy()
    }
    const report = await scope.dispose()
    expect(report.entries.map((e) => [e.kind, e.outcome])).toEqual([
      ['knex', 'ok'],
      ['knex', 'ok'],
    ])
    expect(destroys).toBe(1)
  })
})

describe('cleanroom/knex kinds', () => {
  const config: Knex.Config = {
    client: 'better-sqlite3',
    connection: { filename: ':memory:', options: sqliteOptions() },
    useNullAsDefault: true,
  }

  it('registers knex and knex-transaction into the default registry on import', () => {
    expect(defaultRegistry.get('knex')).toBe(knexKind)
    expect(defaultRegistry.get('knex-transaction')).toBe(knexTransactionKind)
  })

  it('recognises a knex instance and a transaction by shape, and nothing else', async () => {
    const db = knex(config)
    try {
      const trx = await db.transaction()
      expect(knexKind.match(db)).toBe(true)
      expect(knexKind.match(trx)).toBe(false)
      expect(knexTransactionKind.match(trx)).toBe(true)
      expect(knexTransactionKind.match(db)).toBe(false)
      expect(knexKind.match({ destroy() {}, transaction() {} })).toBe(false)
      const scope = createScope()
      scope.track(trx)
      const report = await scope.dispose()
      expect(report.entries[0]).toMatchObject({ kind: 'knex-transaction', outcome: 'ok' })
      expect(trx.isCompleted()).toBe(true)
    } finally {
      await db.destroy()
    }
  })

  it('tracks in the current scope: inside a fixture, the fixture’s', async () => {
    const fixture = defineFixture({ name: 'db', setup: () => createTestKnex(config) })
    const scope = createScope({ name: 'test' })
    const db = await scope.use(fixture)
    await db.raw('select 1')
    await scope.dispose()
    expect(poolOf(db)).toBeUndefined()
  })

  it('bounds a destroy() that hangs by the deadline, and reports it', async () => {
    const scope = createScope({ name: 'test' })
    const db = createTestKnex(
      { ...config, pool: { min: 1, max: 1, destroyTimeoutMillis: 300 } },
      { scope, timeout: 100 },
    )
    await db.raw('select 1')
    // A connection whose close never settles, as with a server that stopped answering.
    const client = clientOf(db)
    client.destroyRawConnection = () => new Promise(() => undefined)
    const error: unknown = await scope.dispose().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CleanupError)
    const [timeout] = (error as CleanupError).errors
    expect(timeout).toBeInstanceOf(DisposeTimeoutError)
    expect((timeout as DisposeTimeoutError).code).toBe('ERR_CLEANROOM_DISPOSE_TIMEOUT')
    expect((timeout as Error).message).toMatch(
      /^Cleanup of "knex pool \(better-sqlite3\) :memory:" \(created at test\/integrations\/knex\.test\.ts:\d+:\d+\) in scope "test" timed out: it did not settle within its 100 ms timeout\./,
    )
    // tarn gives up on the destroyer after its own destroyTimeoutMillis: nothing is left.
    await new Promise((resolve) => setTimeout(resolve, 400))
  })

  it('refuses bad input at the call', () => {
    const scope = createScope()
    expect(() => createTestKnex(undefined as unknown as Knex.Config, { scope })).toThrow(
      new TypeError('createTestKnex: expected `config` to be an object, got undefined'),
    )
    expect(() => createTestKnex({} as Knex.Config, { scope })).toThrow(
      new TypeError(
        "createTestKnex: expected `config.client` to be a client name such as 'pg', 'mysql2' or 'better-sqlite3', or a knex Client class, got undefined",
      ),
    )
    expect(() => createTestKnex(config, { scope, tiemout: 5 } as never)).toThrow(
      new TypeError(
        'createTestKnex: unknown option `tiemout`. Known options: `scope`, `label`, `timeout`',
      ),
    )
    expect(() => createTestKnex(config, { scope: {} as Scope })).toThrow(
      new TypeError(
        'createTestKnex: expected `scope` to be a scope from createScope(), got an object',
      ),
    )
    expect(() => useTransaction({} as unknown as Knex, { scope })).toThrow(
      new TypeError('useTransaction: expected `db` to be a knex instance, got an object'),
    )
  })
})

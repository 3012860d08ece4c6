import { createOnBehalfOf, type Attribution } from '../core/attribution.ts'
import {
  captureCreationSite,
  displayPath,
  frameFile,
  framePattern,
  isUserFrame,
  type CreationSite,
} from '../core/creation-site.ts'
import { PoolDrainError, type PoolHolder } from '../core/errors.ts'
import { processSingleton } from '../core/process-singleton.ts'
import { realTimers } from '../core/real-timers.ts'

/** The parts of a tarn pool (what knex 3 pools are) that draining reads. */
interface TarnPool {
  readonly used: readonly { readonly resource: object }[]
  numUsed(): number
  release(resource: object): boolean
  _startReaping: (this: TarnPool) => void
  creator: (...args: unknown[]) => unknown
}

/** The parts of a knex client that instrumenting and draining read. */
export interface KnexClient {
  pool?: TarnPool | undefined
  _ownsPool?: boolean
  readonly driverName?: string
  readonly dialect?: string
  readonly config: { readonly client?: unknown; readonly connection?: unknown }
  acquireConnection: (this: KnexClient) => Promise<object>
  releaseConnection: (this: KnexClient, connection: object) => Promise<void>
  transaction: (this: KnexClient, ...args: unknown[]) => KnexTransactionObject
  initializePool: (this: KnexClient, config?: unknown) => void
}

/** A knex `Transaction` (what `client.transaction()` makes; not the transactor a test gets). */
interface KnexTransactionObject {
  readonly txid: string
  isCompleted(): boolean
  rollback(connection: object, error?: unknown): Promise<unknown>
}

/** What cleanroom knows about a pool it instrumented. */
interface PoolRecord {
  readonly attribution: Attribution
  /** Connections acquired with `acquireConnection()` from user code, and where. */
  readonly acquired: Map<object, CreationSite>
  /** Transactions by id, and where each was opened. */
  readonly transactions: Map<string, { transaction: KnexTransactionObject; site: CreationSite }>
}

interface PoolState {
  readonly records: WeakMap<object, PoolRecord>
  /** One disposal per pool: `withUserParams()` clones share their original's pool. */
  readonly disposals: WeakMap<object, Promise<void>>
}

const state: PoolState = processSingleton('knexPools', (): PoolState => ({
  records: new WeakMap(),
  disposals: new WeakMap(),
}))

const patched = Symbol.for('cleanroom.knex.initializePool')

/** Frames kept of a site: enough to get past knex's own to the caller's code. */
const siteFrames = 32

/**
 * Patches knex's `Client.prototype.initializePool` (once per copy of knex) so that every pool
 * created from now on remembers where the user created its knex instance: leak reports then
 * name a leaked pool's reap interval and connections by that line, and a pool that cannot
 * drain reports what held each connection.
 */
export function instrumentKnex(Client: { prototype: KnexClient }): void {
  const prototype = Client.prototype as KnexClient & { [patched]?: true }
  if (prototype[patched] === true) return
  const initializePool = prototype.initializePool
  const instrumented = function (this: KnexClient, ...args: unknown[]): void {
    const site = captureCreationSite(instrumented, siteFrames)
    Reflect.apply(initializePool, this, args)
    if (this.pool !== undefined && this._ownsPool !== false) instrumentPool(this, this.pool, site)
  }
  Object.defineProperty(prototype, 'initializePool', {
    value: instrumented,
    writable: true,
    configurable: true,
  })
  Object.defineProperty(prototype, patched, { value: true })
}

function instrumentPool(client: KnexClient, pool: TarnPool, site: CreationSite): void {
  const record: PoolRecord = {
    attribution: { owner: describePool(client), site, holder: pool },
    acquired: new Map(),
    transactions: new Map(),
  }
  state.records.set(pool, record)
  // The reap interval starts inside a promise callback of the first query, and connections
  // open inside the pool: neither has the user's line on its stack. Attribute them.
  const startReaping = pool._startReaping
  pool._startReaping = function (this: TarnPool) {
    createOnBehalfOf(record.attribution, () => {
      Reflect.apply(startReaping, this, [])
    })
  }
  const creator = pool.creator
  pool.creator = function (this: unknown, ...args: unknown[]) {
    return createOnBehalfOf(record.attribution, () => Reflect.apply(creator, this, args))
  }
  const { acquireConnection, releaseConnection, transaction } = client
  client.acquireConnection = async function (this: KnexClient) {
    const at = captureCreationSite(client.acquireConnection, siteFrames)
    const connection = await Reflect.apply(acquireConnection, this, [])
    if (ownFrame(at) !== undefined) record.acquired.set(connection, at)
    return connection
  }
  client.releaseConnection = function (this: KnexClient, connection: object) {
    record.acquired.delete(connection)
    return Reflect.apply(releaseConnection, this, [connection])
  }
  client.transaction = function (this: KnexClient, ...args: unknown[]) {
    const opened = Reflect.apply(transaction, this, args)
    const at = captureCreationSite(client.transaction, siteFrames)
    if (record.transactions.size >= 64) {
      for (const [id, entry] of record.transactions)
        if (entry.transaction.isCompleted()) record.transactions.delete(id)
    }
    record.transactions.set(opened.txid, { transaction: opened, site: at })
    return opened
  }
}

/** A knex instance's pool as reports name it: `knex pool (pg) 127.0.0.1:5432/test`. */
export function describePool(client: KnexClient): string {
  const driver =
    client.driverName ??
    client.dialect ??
    (typeof client.config.client === 'string' ? client.config.client : 'custom client')
  const where = describeConnection(client.config.connection)
  return `knex pool (${driver})${where === undefined ? '' : ` ${where}`}`
}

function describeConnection(connection: unknown): string | undefined {
  if (typeof connection === 'string') return connection.replace(/\/\/[^@/]*@/, '//')
  if (typeof connection !== 'object' || connection === null) return undefined
  const c = connection as Record<string, unknown>
  if (typeof c.filename === 'string') return c.filename
  if (typeof c.connectionString === 'string') return describeConnection(c.connectionString)
  const host = typeof c.host === 'string' ? c.host : undefined
  if (host === undefined) return undefined
  const port = typeof c.port === 'number' || typeof c.port === 'string' ? `:${String(c.port)}` : ''
  const database = typeof c.database === 'string' ? `/${c.database}` : ''
  return `${host}${port}${database}`
}

/** The parts of a knex instance the kind reads. */
export interface KnexLike {
  readonly client: KnexClient
  destroy(): Promise<void>
}

/** How long queries still running when a pool is disposed get to finish, in ms. */
const inFlightGrace = 200
/** How long rolling back a transaction left open may take, in ms, before it is force-released. */
const rollbackDeadline = 2_000

/**
 * Destroys a knex instance's pool, once per pool however many clones share it. Connections
 * still checked out after a short grace are force-released (an open transaction is rolled
 * back first) instead of waited for forever, and reported with what held them.
 * @throws {@link PoolDrainError} when connections had to be force-released
 */
export function destroyKnex(knex: KnexLike): Promise<void> {
  const pool = knex.client.pool
  if (pool === undefined) return Promise.resolve()
  let disposal = state.disposals.get(pool)
  if (disposal === undefined) {
    disposal = drainAndDestroy(knex, pool)
    state.disposals.set(pool, disposal)
  }
  return disposal
}

async function drainAndDestroy(knex: KnexLike, pool: TarnPool): Promise<void> {
  const name = state.records.get(pool)?.attribution.owner ?? describePool(knex.client)
  const held = await releaseHeld(pool)
  await knex.destroy()
  if (held.length > 0) throw new PoolDrainError(name, held)
}

async function releaseHeld(pool: TarnPool): Promise<PoolHolder[]> {
  if (typeof pool.numUsed !== 'function' || pool.numUsed() === 0) return []
  const started = realTimers.now()
  while (pool.numUsed() > 0 && realTimers.now() - started < inFlightGrace) await sleep(5)
  const record = state.records.get(pool)
  const held: PoolHolder[] = []
  for (const { resource } of [...pool.used]) {
    const txid = (resource as { __knexTxId?: unknown }).__knexTxId
    const open = typeof txid === 'string' ? record?.transactions.get(txid) : undefined
    if (open !== undefined && !open.transaction.isCompleted()) {
      held.push({
        holder: 'a transaction never committed or rolled back (cleanroom rolled it back)',
        created: ownFrame(open.site),
      })
      // Rolling back completes the transaction, and knex then releases its connection.
      await withDeadline(open.transaction.rollback(resource), rollbackDeadline)
      continue
    }
    const acquired = record?.acquired.get(resource)
    held.push(
      acquired === undefined
        ? { holder: 'a connection in use by a query or stream still running', created: undefined }
        : {
            holder: 'a connection acquired with acquireConnection() and never released',
            created: ownFrame(acquired),
          },
    )
  }
  await sleep(0)
  for (const { resource } of [...pool.used]) {
    record?.acquired.delete(resource)
    pool.release(resource)
  }
  return held
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => realTimers.setTimeout(resolve, ms))
}

/** Waits for `promise` (its failure ignored: force-release follows) up to `ms`. */
async function withDeadline(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => (timer = realTimers.setTimeout(resolve, ms))),
  ])
  realTimers.clearTimeout(timer)
}

/** The first frame of the site in the user's own code (not Node's, a package's or ours). */
function ownFrame(site: CreationSite): string | undefined {
  for (const frame of (site.stack ?? '').split('\n').slice(1)) {
    const match = framePattern.exec(frame)
    const file = frameFile(frame)
    if (match === null || file === undefined || !isUserFrame(file)) continue
    if (file.includes('/node_modules/') || file.includes('\\node_modules\\')) continue
    return `${displayPath(file)}:${match[2] ?? ''}:${match[3] ?? ''}`
  }
  return undefined
}

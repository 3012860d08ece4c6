import assert from 'node:assert/strict'
import { appendFileSync } from 'node:fs'
import { test } from 'node:test'
import { createTestDatabase } from 'cleanroom/better-sqlite3'

const log = (line) => appendFileSync(process.env.ORDER_LOG, `${line}\n`)
const options = { nativeBinding: process.env.BETTER_SQLITE3_BINDING }

// Seeded once, at module load: it belongs to the file, and is closed when the file ends.
const seed = createTestDatabase({ location: 'temp-file', pragmas: 'fast', options })
seed.exec("CREATE TABLE orders (item TEXT); INSERT INTO orders VALUES ('tea')")
log(`seed ${seed.name}`)

const countOrders = (db) => db.prepare('SELECT count(*) AS n FROM orders').get().n

test('adds an order to its own copy', () => {
  const db = createTestDatabase({ from: seed, options })
  db.exec("INSERT INTO orders VALUES ('cake')")
  assert.equal(countOrders(db), 2)
  log(`copy ${db.name}`)
})

test('finds the seed unchanged, in a temp-file copy', () => {
  const db = createTestDatabase({ from: seed, location: 'temp-file', options })
  assert.equal(countOrders(db), 1)
  log(`temp copy ${db.name}`)
})

test('leaves an iterator open', () => {
  const db = createTestDatabase({ from: seed, options, label: 'orders copy' })
  const rows = db.prepare('SELECT item FROM orders').iterate()
  assert.deepEqual(rows.next().value, { item: 'tea' })
})

test('runs after the failure', () => {
  assert.equal(countOrders(seed), 1)
})

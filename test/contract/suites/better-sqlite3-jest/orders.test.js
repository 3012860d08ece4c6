/* global require, test, expect */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS suite, as Jest users write it */
const { appendFileSync } = require('node:fs')
const { createTestDatabase } = require('cleanroom/better-sqlite3')

const options = { nativeBinding: process.env.BETTER_SQLITE3_BINDING }
const seed = createTestDatabase({ pragmas: 'fast', options })
seed.exec("CREATE TABLE orders (item TEXT); INSERT INTO orders VALUES ('tea')")

test('adds an order to a temp-file copy', () => {
  const db = createTestDatabase({ from: seed, location: 'temp-file', options })
  db.exec("INSERT INTO orders VALUES ('cake')")
  expect(db.prepare('SELECT count(*) AS n FROM orders').get()).toEqual({ n: 2 })
  appendFileSync(process.env.ORDER_LOG, `${db.name}\n`)
})

test('leaves an iterator open', () => {
  const db = createTestDatabase({ from: seed, options })
  db.prepare('SELECT item FROM orders').iterate().next()
})

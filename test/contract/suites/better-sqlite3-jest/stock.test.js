/* global require, test, expect */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS suite, as Jest users write it */
// A second file: Jest gives it its own module registry, so cleanroom/better-sqlite3 loads again.
const { createTestDatabase } = require('cleanroom/better-sqlite3')

test('has a database of its own', () => {
  const db = createTestDatabase({ options: { nativeBinding: process.env.BETTER_SQLITE3_BINDING } })
  db.exec('CREATE TABLE stock (n)')
  expect(db.open).toBe(true)
})

// A user's CommonJS test file: the same, through the CommonJS types.
/* eslint-disable @typescript-eslint/no-require-imports -- how TypeScript writes a CommonJS import */
import cleanroom = require('cleanroom')
import sqlite = require('cleanroom/better-sqlite3')
/* eslint-enable @typescript-eslint/no-require-imports */

const scope = cleanroom.createScope()
const db: sqlite.SqliteDatabase = sqlite.createTestDatabase({ scope, from: Buffer.alloc(0) })
scope.track(db, { kind: 'better-sqlite3' })
// @ts-expect-error an AbortController is not a better-sqlite3 database
scope.track(new AbortController(), { kind: 'better-sqlite3' })

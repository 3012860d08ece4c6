// A user's ESM test file: the kind name comes with `import 'cleanroom/better-sqlite3'`.
import { createScope } from 'cleanroom'
import { createTestDatabase, type SqliteDatabase } from 'cleanroom/better-sqlite3'

const scope = createScope()
const db: SqliteDatabase = createTestDatabase({ scope, location: 'temp-file', pragmas: 'fast' })
scope.track(db, { kind: 'better-sqlite3' })
// @ts-expect-error an AbortController is not a better-sqlite3 database
scope.track(new AbortController(), { kind: 'better-sqlite3' })

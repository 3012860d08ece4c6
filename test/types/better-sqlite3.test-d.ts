import { describe, expectTypeOf, it } from 'vitest'
import { createScope, type KindName, type KindNameFor } from 'cleanroom'
import {
  createTestDatabase,
  sqliteKind,
  type SqliteDatabase,
  type TestDatabaseOptions,
} from 'cleanroom/better-sqlite3'

const scope = createScope()

describe('cleanroom/better-sqlite3', () => {
  it('names its kind for databases only', () => {
    expectTypeOf<'better-sqlite3'>().toExtend<KindName>()
    expectTypeOf<KindNameFor<SqliteDatabase>>().toEqualTypeOf<'better-sqlite3'>()
    const db = scope.track(createTestDatabase({ scope }), { kind: 'better-sqlite3' })
    expectTypeOf(db).toEqualTypeOf<SqliteDatabase>()
    // @ts-expect-error an AbortController is not a better-sqlite3 database
    scope.track(new AbortController(), { kind: 'better-sqlite3' })
    expectTypeOf<typeof sqliteKind.match>().guards.toEqualTypeOf<SqliteDatabase>()
  })

  it('takes the documented forms of each option', () => {
    createTestDatabase({ scope, location: 'memory' })
    createTestDatabase({ scope, location: 'temp-file', pragmas: 'fast' })
    createTestDatabase({ scope, location: '/tmp/app.db', pragmas: { foreign_keys: true } })
    createTestDatabase({ scope, from: Buffer.alloc(0), options: { readonly: true } })
    createTestDatabase({ scope, from: createTestDatabase({ scope }), label: 'copy', timeout: 1 })
    createTestDatabase({ options: { nativeBinding: process.env.BETTER_SQLITE3_BINDING } })
    expectTypeOf<TestDatabaseOptions['pragmas']>().toEqualTypeOf<
      'fast' | Readonly<Record<string, string | number | boolean>> | undefined
    >()
    // @ts-expect-error pragmas are 'fast' or an object
    createTestDatabase({ scope, pragmas: 'slow' })
    // @ts-expect-error pragma values are strings, numbers or booleans
    createTestDatabase({ scope, pragmas: { cache_size: null } })
    // @ts-expect-error `from` is a buffer or a database, not a path
    createTestDatabase({ scope, from: 'seed.db' })
    // @ts-expect-error better-sqlite3's option is `readonly`
    createTestDatabase({ scope, options: { readOnly: true } })
  })
})

import type { Knex } from 'knex'
import { describe, expectTypeOf, it } from 'vitest'
import { createScope, type KindName } from 'cleanroom'
import { createTestKnex, useTransaction } from 'cleanroom/knex'

declare const db: Knex
const scope = createScope()

describe('cleanroom/knex', () => {
  it('adds the knex kinds to the names track() accepts, for their types only', () => {
    expectTypeOf<'knex'>().toExtend<KindName>()
    expectTypeOf<'knex-transaction'>().toExtend<KindName>()
    expectTypeOf(scope.track(db, { kind: 'knex' })).toEqualTypeOf<Knex>()
    // @ts-expect-error -- an AbortController is not a knex instance
    scope.track(new AbortController(), { kind: 'knex' })
  })

  it('returns knex and transactions with their types', () => {
    expectTypeOf(createTestKnex({ client: 'pg' })).toEqualTypeOf<Knex>()
    expectTypeOf(useTransaction(db)).toEqualTypeOf<Promise<Knex.Transaction>>()
  })
})

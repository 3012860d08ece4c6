import { createRequire } from 'node:module'
import { describe, test } from 'vitest'

const { cases } = createRequire(import.meta.url)('./corpus.cjs')

describe('records', () => {
  for (const { name, run, skip } of cases) (skip ? test.skip : test)(name, run)
})

const { describe, test } = require('node:test')
const { cases } = require('./corpus.cjs')

describe('records', () => {
  for (const { name, run, skip } of cases) (skip ? test.skip : test)(name, run)
})

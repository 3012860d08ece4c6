const { cases } = require('./corpus.cjs')

describe('records', () => {
  for (const { name, run, skip } of cases) (skip ? it.skip : it)(name, run)
})

const { cases } = require('./corpus.cjs')

describe('memory', () => {
  for (const { name, run } of cases) it(name, run)
})

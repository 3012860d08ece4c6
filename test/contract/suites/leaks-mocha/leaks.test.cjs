const { cases, startFileServer, stopFileServer } = require('./corpus.cjs')

describe('leaks', () => {
  before(startFileServer)
  after(stopFileServer)

  for (const { name, run } of cases) it(name, run)
})

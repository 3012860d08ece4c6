const { after, before, describe, test } = require('node:test')
const { cases, startFileServer, stopFileServer } = require('./corpus.cjs')

// In a describe block: node:test runs the root `after` hooks of `--import` modules (cleanroom's
// file check among them) before the test file's own root `after` hooks.
describe('leaks', () => {
  before(startFileServer)
  after(stopFileServer)

  for (const { name, run } of cases) test(name, run)
})

const { cases, startFileServer, stopFileServer } = require('./corpus.cjs')

beforeAll(startFileServer)
afterAll(stopFileServer)

for (const { name, run } of cases) test(name, run)

import { createRequire } from 'node:module'
import { afterAll, beforeAll, test } from 'vitest'

const { cases, startFileServer, stopFileServer } = createRequire(import.meta.url)('./corpus.cjs')

beforeAll(startFileServer)
afterAll(stopFileServer)

for (const { name, run } of cases) test(name, run)

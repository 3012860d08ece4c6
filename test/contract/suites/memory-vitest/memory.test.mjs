import { createRequire } from 'node:module'
import { test } from 'vitest'

const { cases } = createRequire(import.meta.url)('./corpus.cjs')

for (const { name, run } of cases) test(name, run)

// vitest run --config vitest.config.mjs (setupFiles: ['cleanroom/vitest/setup'])
import { createRequire } from 'node:module'
import { describe, it } from 'vitest'

createRequire(import.meta.url)('./users.suite.cjs')({ describe, it })

// Binds cleanroom to node:test through the generic binder, as for any other runner.
import { after, afterEach, before, beforeEach } from 'node:test'
import { installCleanroom } from 'cleanroom/hooks'

installCleanroom({
  beforeEach,
  afterEach,
  beforeAll: before,
  afterAll: after,
  testName: (t) => t.name,
})

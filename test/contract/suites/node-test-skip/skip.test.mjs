import assert from 'node:assert/strict'
import { appendFileSync } from 'node:fs'
import { test } from 'node:test'
import { defer } from 'cleanroom'

const log = (line) => appendFileSync(process.env.ORDER_LOG, `${line}\n`)

test('skips itself after deferring a cleanup', (t) => {
  defer(() => log('skipped test: cleanup ran'))
  log('skipped test: body')
  t.skip('not today')
})

test('the next test starts with a scope of its own', () => {
  log('next test: body')
  defer(() => log('next test: cleanup ran'))
})

test('skips itself after leaking an interval', (t) => {
  setInterval(() => undefined, 60_000)
  t.skip('not today either')
})

test('runs after the leaky skipped test', () => {
  assert.ok(true)
})

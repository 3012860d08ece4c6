import assert from 'node:assert/strict'
import { existsSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { test } from 'node:test'
import { createAsyncRunner, createTempDir, purgeModules, trackCache } from 'cleanroom'

const require = createRequire(import.meta.url)
// Registered at module load: cleared after every test of this file.
const usersById = trackCache(new Map(), 'users by id')
// Created at module load: removed when the file ends.
const modules = createTempDir({ prefix: 'modules-' })
// A CommonJS module that counts its own evaluations.
const counter = join(modules, 'counter.cjs')
writeFileSync(
  counter,
  'globalThis.evaluations = (globalThis.evaluations ?? 0) + 1\n' +
    'module.exports = { evaluation: globalThis.evaluations }\n',
)
let dir

test('writes into a temp dir and fills the cache', () => {
  dir = createTempDir({ prefix: 'state-suite-' })
  assert.equal(statSync(dir).mode & 0o777, 0o700)
  writeFileSync(join(dir, 'report.json'), '{}')
  usersById.set(1, 'ada')
})

test('finds the temp dir removed and the cache empty', () => {
  assert.equal(existsSync(dir), false)
  assert.equal(usersById.size, 0)
})

test('loads a module after purgeModules()', () => {
  purgeModules()
  assert.equal(require(counter).evaluation, 1)
})

test('loads it afresh in the next test', () => {
  purgeModules()
  assert.equal(require(counter).evaluation, 2)
})

test('stops its poller when it ends', async () => {
  const runner = createAsyncRunner({ label: 'pollers' })
  void runner.run('poll queue', async (signal) => {
    while (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, 5))
  })
  await new Promise((resolve) => setTimeout(resolve, 20))
})

test('a poller that ignores its signal', () => {
  const runner = createAsyncRunner({ label: 'pollers', timeout: 100 })
  void runner.run('poll queue', () => new Promise((resolve) => setTimeout(resolve, 300)))
})

test('a task that rejects', () => {
  const runner = createAsyncRunner({ label: 'sync jobs' })
  void runner.run('sync users', async () => {
    throw new Error('the users API answered 503')
  })
})

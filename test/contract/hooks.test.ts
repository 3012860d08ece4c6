import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readRecords } from '../../src/reporters/read-records.ts'
import { parseTap, runSuite, type SuiteRun } from './run-suite.ts'

// node:test bound through cleanroom/hooks, from a setup module as a user would write it.
const command = ['node', '--test', '--test-reporter=tap', '--import', './setup.mjs']

describe(`the generic binder, cleanroom/hooks, on node:test (Node ${process.versions.node})`, () => {
  let run: SuiteRun

  it('runs the suite and exits by itself, failing', async () => {
    run = await runSuite('hooks', command)
    expect(run.timedOut).toBe(false)
    expect(run.code).toBe(1)
  })

  it('fails exactly the test whose cleanup failed', () => {
    expect(parseTap(run.stdout).map((r) => [r.name, r.ok])).toEqual([
      ['puts an order', true],
      ['fails when its cleanup fails', false],
      ['sees what the first test left in the file fixture', true],
    ])
    const failed = parseTap(run.stdout).find((r) => !r.ok)
    expect(failed?.details).toMatch(
      /- "ack queue" \(created at orders\.test\.mjs:\d+:\d+\): Error: the queue refused the ack/,
    )
  })

  it('tears down the test, then the file fixture, then the worker fixture when the process is done', () => {
    expect(run.order).toEqual([
      'test: request aborted',
      'file fixture: orders table dropped',
      'worker fixture: registry closed',
    ])
  })
})

describe('the generic binder with CLEANROOM_REPORT set', () => {
  it('records each test under the name testName gave, failed where cleanroom failed it, with its teardown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cleanroom-contract-hooks-records-'))
    try {
      const run = await runSuite('hooks', command, { env: { CLEANROOM_REPORT: dir } })
      expect(run.timedOut).toBe(false)
      const records = readRecords([dir]).records.map(({ record }) => record)
      expect(records.map((r) => [r.runner, r.test, r.outcome])).toEqual([
        ['hooks', ['puts an order'], 'passed'],
        ['hooks', ['fails when its cleanup fails'], 'failed'],
        ['hooks', ['sees what the first test left in the file fixture'], 'passed'],
      ])
      expect(records[1]?.teardown).toContainEqual(
        expect.objectContaining({ label: 'ack queue', outcome: 'error' }),
      )
      expect(records[0]?.file).toBe('orders.test.mjs')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { MergedReport } from '../../src/reporters/merge.ts'
import { readRecords } from '../../src/reporters/read-records.ts'
import type { TestRecord } from '../../src/reporters/records.ts'
import { runCli } from '../cli/run-cli.ts'
import { contractRunners } from './runners.ts'

// The shared corpus (suites/records-shared/corpus.cjs), registered by each runner's suite in a
// describe block with the one-line install, run in that runner's CLI with CLEANROOM_REPORT set:
// each test's record has its title path, the runner's outcome (failed too where cleanroom
// failed it), its teardown entry, its leak, its global-state change. Vitest's suite has a
// second file, run by a second worker at once: two records files, which `cleanroom report`
// merges.
const { cases } = createRequire(import.meta.url)('./suites/records-shared/corpus.cjs') as {
  cases: { name: string }[]
}

const root = mkdtempSync(join(tmpdir(), 'cleanroom-contract-records-'))
let runs = 0

const { runners, dispose } = contractRunners({
  suites: {
    nodeTest: 'records-node-test',
    vitest: 'records-vitest',
    jest: 'records-jest',
    mocha: 'records-mocha',
  },
  nodeTestFiles: ['records.test.cjs'],
  jestConfig: '--rootDir=.',
  mochaFile: 'records.test.cjs',
  isTest: (name) => cases.some((c) => c.name === name),
  options: (env) => ({ env, timeoutMs: 30_000, with: ['records-shared'] }),
})

afterAll(() => {
  dispose()
  rmSync(root, { recursive: true, force: true })
})

/** The runner's name in the records, and its test file's. */
const runnerOf: Record<string, { runner: string; file: string }> = {
  'node:test': { runner: 'node-test', file: 'records.test.cjs' },
  Vitest: { runner: 'vitest', file: 'records.test.mjs' },
  Jest: { runner: 'jest', file: 'records.test.js' },
  Mocha: { runner: 'mocha', file: 'records.test.cjs' },
}

describe.each(runners)('$title', (runner) => {
  const expected = Object.entries(runnerOf).find(([prefix]) => runner.title.startsWith(prefix))
  if (expected === undefined) throw new Error(`no expectations for ${runner.title}`)
  const [, { runner: name, file }] = expected

  it('with CLEANROOM_REPORT set, writes a record for each test: title path, outcome, teardown, leak, global-state change', async () => {
    const dir = join(root, `run-${String(++runs)}`)
    const run = await runner.run({ CLEANROOM_REPORT: dir })
    expect(run.timedOut).toBe(false)
    // The runner's own view: the test that failed by itself, and the one whose leak failed it.
    const failed = runner
      .results(run)
      .tests.filter(([test, passed]) => !passed && test !== 'is not written yet')
      .map(([test]) => test)
    expect(failed).toEqual(['fails by itself', 'leaves a poller running'])

    const read = readRecords([dir])
    const records = read.records
      .map(({ record }) => record)
      .filter((record) => record.file === file)
    const byName = new Map(records.map((record) => [record.test.at(-1), record]))
    const get = (test: string): TestRecord => {
      const record = byName.get(test)
      if (record === undefined)
        throw new Error(`no record of "${test}" in ${JSON.stringify(records)}`)
      return record
    }
    for (const record of records) {
      expect(record.runner).toBe(name)
      expect(record.test).toEqual(['records', record.test.at(-1)])
      expect(record.durationMs).toBeGreaterThanOrEqual(0)
    }
    expect(get('closes the pool it opened')).toMatchObject({
      outcome: 'passed',
      teardown: [{ label: 'close the pool', kind: 'defer', outcome: 'ok' }],
      leaks: [],
      globalState: [],
    })
    expect(get('fails by itself')).toMatchObject({ outcome: 'failed', teardown: [], leaks: [] })
    const poller = get('leaves a poller running')
    expect(poller.outcome).toBe('failed')
    expect(poller.leaks).toEqual([
      expect.objectContaining({
        kind: 'timer',
        description: expect.stringMatching(/^setInterval\(.*60000 ms\)$/) as string,
      }),
    ])
    expect(get('points the app at another API and leaves it so')).toMatchObject({
      outcome: 'passed',
      globalState: ['set process.env.RECORDS_API_URL'],
    })
    // node:test runs no hook for a skipped test, and tells it no other way: it has no record.
    if (name === 'node-test') {
      expect(records).toHaveLength(4)
    } else {
      expect(get('is not written yet')).toMatchObject({ outcome: 'skipped', teardown: [] })
      expect(records).toHaveLength(5)
    }
  })
})

describe('Vitest with two workers and CLEANROOM_REPORT', () => {
  it('writes one records file a worker, and cleanroom report merges them', async () => {
    const vitest = runners.find((runner) => runner.title.startsWith('Vitest'))
    if (vitest === undefined) throw new Error('no Vitest runner')
    const dir = join(root, 'parallel')
    const run = await vitest.run({ CLEANROOM_REPORT: dir })
    expect(run.timedOut).toBe(false)
    const read = readRecords([dir])
    expect(read.files).toHaveLength(2)
    // Two processes at once, each with a file of its own.
    expect(new Set(read.records.map(({ record }) => record.pid)).size).toBe(2)
    const fileOf = (source: string) =>
      new Set(read.records.filter((each) => each.source === source).map((each) => each.record.file))
    expect(read.files.map((source) => [...fileOf(source)]).sort()).toEqual([
      ['records.test.mjs'],
      ['second.test.mjs'],
    ])

    const json = join(root, 'merged.json')
    const report = await runCli(['report', dir, '--json', json])
    expect(report.stderr).toBe('')
    expect(report.code).toBe(0)
    const merged = JSON.parse(readFileSync(json, 'utf8')) as MergedReport
    expect(merged.sources).toHaveLength(2)
    expect(merged.totals).toMatchObject({
      tests: 6,
      passed: 3,
      failed: 2,
      skipped: 1,
      files: 2,
      leaks: 1,
      testsWithLeaks: 1,
      globalStateChanges: 1,
      teardownEntries: 1,
    })
    expect(report.stdout).toContain('leaves a poller running')
  })
})

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRecordWriter, type NewTestRecord } from '../../src/reporters/records.ts'
import type { RunReport } from '../../src/reporters/run-report.ts'

/** A passing test's record, with what a test overrides. */
export function testRecord(overrides: Partial<NewTestRecord> = {}): NewTestRecord {
  return {
    runner: 'vitest',
    file: 'test/db.test.ts',
    test: ['db', 'inserts a row'],
    outcome: 'passed',
    durationMs: 12,
    teardown: [{ label: 'knex pool', kind: 'knex', outcome: 'ok', durationMs: 3 }],
    leaks: [],
    globalState: [],
    ...overrides,
  }
}

/** Writes the records to a new file in `dir`, as one process would. */
export function writeRecords(
  dir: string,
  records: readonly NewTestRecord[],
  env: NodeJS.ProcessEnv = {},
): string {
  const writer = createRecordWriter(dir, env)
  for (const record of records) writer.write(record)
  writer.close()
  return writer.file
}

/** A temporary directory, removed by the returned function. */
export function makeTempDir(prefix = 'cleanroom-records-'): [string, () => void] {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return [
    dir,
    () => {
      rmSync(dir, { recursive: true, force: true })
    },
  ]
}

/** A short `cleanroom run --json` report: four samples. */
export const sampleRun: RunReport = {
  schema: 'cleanroom-run/1',
  command: ['npx', 'vitest', 'run'],
  startedAt: '2026-12-03T08:00:00.000Z',
  durationMs: 1000,
  intervalMs: 250,
  sampler: 'proc',
  memory: {
    startBytes: 40e6,
    endBytes: 60e6,
    peakBytes: 61e6,
    peakAtMs: 750,
    peakProcesses: 2,
    growth: null,
    maxGrowthBytes: null,
    exceeded: false,
  },
  exit: { code: 0, signal: null, forwarded: null, killed: false, exitCode: 0 },
  leftovers: [],
  samples: [
    { t: 250, rss: 40e6, processes: 1 },
    { t: 500, rss: 55e6, processes: 2 },
    { t: 750, rss: 61e6, processes: 2 },
    { t: 1000, rss: 60e6, processes: 2 },
  ],
}

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRecordWriter, type NewTestRecord } from '../../src/reporters/records.ts'

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

import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { mergeRun } from '../../src/reporters/merge.ts'
import { ReportInputError } from '../../src/reporters/read-records.ts'
import { makeTempDir, testRecord, writeRecords } from './sample-records.ts'

const [root, removeRoot] = makeTempDir()
afterAll(removeRoot)
let count = 0
const freshDir = (): string => {
  const dir = join(root, `dir-${++count}`)
  mkdirSync(dir)
  return dir
}
const at = (second: number): string => new Date(Date.UTC(2026, 11, 3, 8, 0, second)).toISOString()

describe('mergeRun', () => {
  it('orders the tests by time, and sums them by file, with the slowest teardowns first', () => {
    const dir = freshDir()
    writeRecords(dir, [
      testRecord({ file: 'a.test.ts', test: ['a1'], timestamp: at(1) }),
      testRecord({
        file: 'a.test.ts',
        test: ['a2'],
        outcome: 'failed',
        timestamp: at(3),
        teardown: [
          { label: 'server', kind: 'server', outcome: 'timeout', durationMs: 500 },
          { label: 'db', kind: 'better-sqlite3', outcome: 'error', durationMs: 2 },
        ],
      }),
    ])
    writeRecords(dir, [
      testRecord({ file: 'b.test.ts', test: ['b', 'b1'], timestamp: at(2), outcome: 'skipped' }),
    ])
    const report = mergeRun({ dirs: [dir] })
    expect(report.tests.map((test) => [test.order, test.name])).toEqual([
      [1, 'a1'],
      [2, 'b › b1'],
      [3, 'a2'],
    ])
    expect(report.totals).toMatchObject({
      tests: 3,
      passed: 1,
      failed: 1,
      skipped: 1,
      files: 2,
      teardownEntries: 4,
      teardownMs: 508,
      teardownErrors: 1,
      teardownTimeouts: 1,
      measured: 0,
    })
    expect(report.processes).toBe(1)
    expect(report.sources).toHaveLength(2)
    expect(report.slowestTeardowns[0]).toEqual({
      label: 'server',
      kind: 'server',
      outcome: 'timeout',
      durationMs: 500,
      file: 'a.test.ts',
      test: 'a2',
    })
    expect(
      report.files.map((file) => [file.file, file.tests, file.failed, file.teardownMs]),
    ).toEqual([
      ['a.test.ts', 2, 1, 505],
      ['b.test.ts', 1, 0, 3],
    ])
  })

  it('lists leaks by test and by file, most first', () => {
    const dir = freshDir()
    const timer = {
      kind: 'timer',
      description: 'setInterval(poll, 1000 ms)',
      created: 'src/poll.ts:3:5',
    }
    writeRecords(dir, [
      testRecord({ file: 'a.test.ts', test: ['one leak'], leaks: [timer], timestamp: at(1) }),
      testRecord({
        file: 'b.test.ts',
        test: ['two leaks'],
        leaks: [timer, timer],
        timestamp: at(2),
      }),
      testRecord({ file: 'b.test.ts', test: ['no leak'], timestamp: at(3) }),
    ])
    const report = mergeRun({ dirs: [dir] })
    expect(report.leaksByTest.map((test) => test.name)).toEqual(['two leaks', 'one leak'])
    expect(report.leaksByFile.map((file) => [file.file, file.leaks])).toEqual([
      ['b.test.ts', 2],
      ['a.test.ts', 1],
    ])
    expect(report.totals).toMatchObject({ leaks: 3, testsWithLeaks: 2 })
  })

  it('sums the heap deltas by file, with a least-squares trend from 3 measured tests on', () => {
    const dir = freshDir()
    writeRecords(dir, [
      // Grows 1,000 bytes a test, with noise that the trend sees through: 1000, 3000, 1000, 3000.
      ...[1000, 3000, 1000, 3000].map((deltaBytes, index) =>
        testRecord({
          file: 'grows.test.ts',
          test: [`t${index}`],
          memory: { deltaBytes },
          timestamp: at(index),
        }),
      ),
      testRecord({
        file: 'flat.test.ts',
        test: ['f0'],
        memory: { heapBeforeBytes: 5000, heapAfterBytes: 4000 },
        timestamp: at(10),
      }),
      testRecord({
        file: 'flat.test.ts',
        test: ['f1'],
        memory: { deltaBytes: 1000 },
        timestamp: at(11),
      }),
      testRecord({ file: 'flat.test.ts', test: ['unmeasured'], timestamp: at(12) }),
    ])
    const report = mergeRun({ dirs: [dir] })
    const [grows, flat] = report.memoryByFile
    expect(grows).toMatchObject({ file: 'grows.test.ts', measured: 4, deltaBytes: 8000 })
    // Cumulative heap 1000, 4000, 5000, 8000: slope 2,200 bytes a test.
    expect(grows?.bytesPerTest).toBeCloseTo(2200, 6)
    expect(flat).toMatchObject({
      file: 'flat.test.ts',
      tests: 3,
      measured: 2,
      deltaBytes: 0,
      bytesPerTest: undefined,
    })
    expect(report.memoryByTest[0]?.deltaBytes).toBe(3000)
    expect(report.totals).toMatchObject({ measured: 6, deltaBytes: 8000 })
  })

  it('names the file and line of a corrupt record', () => {
    const dir = freshDir()
    const file = writeRecords(dir, [testRecord(), testRecord()])
    appendFileSync(file, '{"schema":"cleanroom-records/1","runner":"vitest"}\n')
    const name = file // outside the working directory: shown as it is
    expect(() => mergeRun({ dirs: [dir] })).toThrow(
      expect.objectContaining({
        name: 'ReportInputError',
        code: 'ERR_CLEANROOM_REPORT_INPUT',
        message: `${name}:3: not a cleanroom-records/1 record: file should be a string, got nothing. Records written by another version of cleanroom need that version's cleanroom report.`,
      }),
    )
    writeFileSync(file, 'not json\n')
    expect(() => mergeRun({ dirs: [dir] })).toThrow(
      `${name}:1: not a JSON line ("not json"). A records file holds one JSON object a line, as cleanroom writes it; remove the line, or the file.`,
    )
  })

  it('skips a truncated last line with a warning', () => {
    const dir = freshDir()
    const file = writeRecords(dir, [testRecord(), testRecord()])
    appendFileSync(file, '{"schema":"cleanroom-records/1","runner":"vi')
    const report = mergeRun({ dirs: [dir] })
    expect(report.totals.tests).toBe(2)
    expect(report.warnings).toEqual([
      `${file}:3: skipped a truncated last line (its process was likely killed while writing it).`,
    ])
  })

  it('refuses a directory that does not exist, and a --run file that is not a run report', () => {
    expect(() => mergeRun({ dirs: [join(root, 'missing')] })).toThrow(ReportInputError)
    const dir = freshDir()
    const runFile = join(dir, 'run.json')
    writeFileSync(runFile, '{"schema":"cleanroom-records/1"}')
    expect(() => mergeRun({ dirs: [dir], runFile })).toThrow(
      `--run ${runFile}: not a cleanroom-run/1 report (schema "cleanroom-records/1"). Give the file cleanroom run --json wrote.`,
    )
  })

  it('refuses a records file it cannot read, naming it', () => {
    const dir = freshDir()
    mkdirSync(join(dir, 'records-a.jsonl'))
    expect(() => mergeRun({ dirs: [dir] })).toThrow(
      expect.objectContaining({
        code: 'ERR_CLEANROOM_REPORT_INPUT',
        message: expect.stringMatching(
          /records-a\.jsonl: cannot read it \(EISDIR: illegal operation on a directory, read\)\. Check its permissions, or remove it\.$/,
        ) as unknown,
      }),
    )
  })

  it('reads a directory given twice once', () => {
    const dir = freshDir()
    writeRecords(dir, [testRecord()])
    expect(mergeRun({ dirs: [dir, dir] }).totals.tests).toBe(1)
  })
})

import { afterAll, describe, expect, it } from 'vitest'
import { mergeRun } from '../../src/reporters/merge.ts'
import { formatReportSummary } from '../../src/reporters/summary.ts'
import { makeTempDir, testRecord, writeRecords } from './sample-records.ts'

const [dir, removeDir] = makeTempDir()
afterAll(removeDir)
const long = 'a test whose name goes on and on, describing every detail of what it checks'
writeRecords(dir, [
  testRecord({
    file: 'test/integration/very/deep/folder/users-and-their-permissions.test.ts',
    test: ['users', long],
    teardown: [{ label: 'http server :0', kind: 'server', outcome: 'timeout', durationMs: 5003 }],
    leaks: [
      { kind: 'timer', description: 'setInterval(poll, 1000 ms)', created: 'src/poll.ts:12:3' },
    ],
    memory: { deltaBytes: 2_400_000 },
    timestamp: '2026-12-03T08:00:01.000Z',
  }),
  testRecord({ memory: { deltaBytes: -1200 }, timestamp: '2026-12-03T08:00:02.000Z' }),
  testRecord({ test: ['db', 'skips'], outcome: 'skipped', timestamp: '2026-12-03T08:00:03.000Z' }),
])
const report = mergeRun({ dirs: [dir] })

describe('formatReportSummary', () => {
  it('prints totals, the slowest teardowns, leaks and memory, no line past 100 columns', () => {
    const text = formatReportSummary(report)
    const lines = text.split('\n')
    expect(lines.slice(0, 5)).toEqual([
      'cleanroom report: 3 tests (2 passed, 1 skipped) in 2 files',
      '  from 1 process, 1 records file',
      '  teardown: 3 entries, 5.01 s in all, 1 timeout',
      '  leaks: 1 in 1 test · global state: unchanged',
      '  memory: 2 tests measured, heap +2.4 MB in all',
    ])
    expect(text).toContain('Slowest teardowns (3)')
    expect(text).toMatch(/^ {2}5\.00 s {2}timeout {2}http server :0 {2}test\/integration.*…/m)
    expect(text).toContain('    timer  setInterval(poll, 1000 ms) at src/poll.ts:12:3')
    expect(text).toContain('Memory growth by file')
    expect(text).toMatch(/\+2\.4 MB {11}– {6}1 {2}test\/integration\/very/)
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100)
    expect(text).not.toContain('\x1b[')
  })

  it('keeps to a narrower width, and colors only when asked', () => {
    for (const line of formatReportSummary(report, { width: 80 }).split('\n')) {
      expect(Array.from(line).length).toBeLessThanOrEqual(80)
    }
    expect(formatReportSummary(report, { color: true })).toContain('\x1b[1mSlowest teardowns')
  })

  it('says where records come from when there are none', () => {
    const [empty, removeEmpty] = makeTempDir()
    try {
      expect(formatReportSummary(mergeRun({ dirs: [empty] }))).toContain(
        'no per-test records: were the tests run with CLEANROOM_REPORT set (cleanroom run --report <dir>)?',
      )
    } finally {
      removeEmpty()
    }
  })
})

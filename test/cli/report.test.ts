import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MergedReport } from '../../src/reporters/merge.ts'
import { runCli } from './run-cli.ts'

const root = mkdtempSync(join(tmpdir(), 'cleanroom-report-'))
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})
const writeMany = fileURLToPath(new URL('../fixtures/records/write-many.ts', import.meta.url))

/** Starts the worker processes of one shard at once, each writing its records; waits for all. */
async function runShard(dir: string, shard: string, workers: readonly [string, number][]) {
  const children = workers.map(([file, count]) =>
    spawn(process.execPath, ['--import', 'tsx', writeMany, `${count}`, file], {
      env: { ...process.env, CLEANROOM_REPORT: dir, CLEANROOM_SHARD: shard },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  )
  const codes = await Promise.all(
    children.map(async (child) => ((await once(child, 'exit')) as [number | null])[0]),
  )
  expect(codes).toEqual(workers.map(() => 0))
}

describe('cleanroom report: two shards of two parallel workers each', () => {
  const shard1 = join(root, 'shard-1')
  const shard2 = join(root, 'shard-2')
  beforeAll(async () => {
    await Promise.all([
      runShard(shard1, '1/2', [
        ['test/a.test.ts', 12],
        ['test/b.test.ts', 8],
      ]),
      runShard(shard2, '2/2', [
        ['test/c.test.ts', 10],
        ['test/d.test.ts', 5],
      ]),
    ])
  })

  it('merges them into one consistent report', async () => {
    const json = join(root, 'merged.json')
    const html = join(root, 'report.html')
    const run = await runCli(['report', shard1, shard2, '--json', json, '--html', html])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const report = JSON.parse(readFileSync(json, 'utf8')) as MergedReport
    // Four processes, four files, each test once.
    expect(report.sources).toHaveLength(4)
    expect(report.processes).toBe(4)
    expect(report.shards).toEqual([
      { index: 1, count: 2 },
      { index: 2, count: 2 },
    ])
    expect(report.files.map((file) => [file.file, file.tests])).toEqual([
      ['test/a.test.ts', 12],
      ['test/b.test.ts', 8],
      ['test/c.test.ts', 10],
      ['test/d.test.ts', 5],
    ])
    const ids = report.tests.map((test) => `${test.file} ${test.name}`)
    expect(new Set(ids).size).toBe(35)
    expect(report.tests.map((test) => test.order)).toEqual(ids.map((_, index) => index + 1))
    // The totals are the sums of the files, and of the tests.
    const { totals } = report
    expect(totals.tests).toBe(35)
    expect(totals.passed + totals.failed + totals.skipped).toBe(35)
    // write-many fails its tests 3 and 10, and leaks in tests 0, 5, 10.
    expect(totals.failed).toBe(2 + 1 + 1 + 1)
    expect(totals.leaks).toBe(3 + 2 + 2 + 1)
    expect(report.leaksByFile.reduce((sum, file) => sum + file.leaks, 0)).toBe(totals.leaks)
    expect(report.files.reduce((sum, file) => sum + file.deltaBytes, 0)).toBe(totals.deltaBytes)
    expect(totals.teardownEntries).toBe(35)
    // Each file's tests, in the order its process wrote them.
    for (const file of ['test/a.test.ts', 'test/d.test.ts']) {
      const names = report.tests.filter((test) => test.file === file).map((test) => test.name)
      expect(names).toEqual(names.map((_, index) => `suite › test ${index}`))
    }
    expect(run.stdout).toMatch(
      /^cleanroom report: 35 tests \(30 passed, 5 failed\) in 4 files\n {2}from 4 processes, 2 shards \(1\/2, 2\/2\), 4 records files\n/,
    )
    expect(readFileSync(html, 'utf8')).toContain('<title id="leaks-t">Leaks by file</title>')
  })

  it('merges a shard given with the records of both in one directory the same way', async () => {
    const both = join(root, 'both')
    await runShard(both, '1/2', [['test/a.test.ts', 3]])
    await runShard(both, '2/2', [['test/c.test.ts', 2]])
    const json = join(root, 'both.json')
    expect((await runCli(['report', both, '--json', json])).code).toBe(0)
    const report = JSON.parse(readFileSync(json, 'utf8')) as MergedReport
    expect(report.shards).toHaveLength(2)
    expect(report.totals.tests).toBe(5)
  })
})

describe('cleanroom report: what it refuses', () => {
  it.each([
    [['report'], /^cleanroom: No records directory\. Give the directory the tests wrote/],
    [
      ['report', 'x', '--pdf', 'r.pdf'],
      /^cleanroom: Unknown option `--pdf` for cleanroom report\. Its options are --html, --json, --run, --help\.\nSee cleanroom report --help\.\n$/,
    ],
    [['report', 'x', '--html'], /--html needs a value: write --html <file>\./],
    [
      ['report', join(tmpdir(), 'cleanroom-no-such-dir')],
      /^cleanroom report: .*cleanroom-no-such-dir is not a directory\. Give the directory the tests wrote their records to/,
    ],
    [
      ['report', tmpdir(), '--html', join(tmpdir(), 'cleanroom-no-such-dir', 'r.html')],
      /^cleanroom: --html: the directory .*cleanroom-no-such-dir does not exist\. Create it first\./,
    ],
  ])('refuses %j with exit code 2', async (args, message) => {
    const run = await runCli(args)
    expect(run.stderr).toMatch(message)
    expect(run.code).toBe(2)
  })

  it('refuses a directory without records, and a corrupt record, naming its file and line', async () => {
    const empty = mkdtempSync(join(root, 'empty-'))
    const none = await runCli(['report', empty])
    expect(none.stderr).toMatch(
      /^cleanroom report: No records file \(\*\.jsonl\) in .*empty-\w+\. Run the tests with CLEANROOM_REPORT=<dir>/,
    )
    expect(none.code).toBe(2)

    const dir = join(root, 'corrupt')
    await runShard(dir, '1/1', [['test/a.test.ts', 2]])
    const [name] = readdirSync(dir)
    appendFileSync(join(dir, name ?? ''), '{"schema":"cleanroom-records/1"}\n')
    const corrupt = await runCli(['report', dir])
    expect(corrupt.stderr).toBe(
      `cleanroom report: ${join(dir, name ?? '')}:3: not a cleanroom-records/1 record: runner should be a string, got nothing. Records written by another version of cleanroom need that version's cleanroom report.\n`,
    )
    expect(corrupt.code).toBe(2)
  })

  it('prints its usage, and cleanroom --help lists it', async () => {
    const help = await runCli(['report', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: cleanroom report <dir…> \[options\]/)
    const commands = await runCli(['--help'])
    expect(commands.stdout).toContain(
      '  report <dir…> [options]       merge the per-test records of a run: summary, HTML, JSON\n',
    )
  })
})

describe('cleanroom run --report --html', () => {
  it('passes CLEANROOM_REPORT to the command, merges its records, and writes the HTML report', async () => {
    const dir = join(root, 'run-records')
    const html = join(root, 'run.html')
    const run = await runCli([
      'run',
      '--interval',
      '20',
      '--report',
      dir,
      '--html',
      html,
      '--',
      process.execPath,
      '--import',
      'tsx',
      writeMany,
      '40',
      'test/run.test.ts',
    ])
    expect(run.code).toBe(0)
    expect(existsSync(dir)).toBe(true)
    expect(run.stderr).toMatch(/cleanroom run: `.*` exited with code 0 after/)
    expect(run.stderr).toContain('cleanroom report: 40 tests (34 passed, 6 failed) in 1 file\n')
    const page = readFileSync(html, 'utf8')
    // The memory chart draws cleanroom run's samples; the records fill the rest.
    expect(page).toContain(
      '<title id="memory-t">Memory of the test process tree over the run</title>',
    )
    expect(page).toContain('<title id="teardown-t">Teardown time by test, the slowest 20</title>')
  })

  it('exits with 1 when the command succeeded but a record is corrupt, and says where', async () => {
    const dir = join(root, 'run-corrupt')
    const run = await runCli([
      'run',
      '--report',
      dir,
      '--',
      process.execPath,
      '-e',
      `require('fs').writeFileSync(process.env.CLEANROOM_REPORT + '/records-x.jsonl', '{}\\n')`,
    ])
    expect(run.stderr).toContain(
      `cleanroom run: could not merge the records of --report: ${join(dir, 'records-x.jsonl')}:1: not a cleanroom-records/1 record: schema should be 'cleanroom-records/1', got nothing.`,
    )
    expect(run.code).toBe(1)
  })

  it('writes the memory chart alone with --html and no --report', async () => {
    const html = join(root, 'run-only.html')
    const run = await runCli([
      'run',
      '--interval',
      '20',
      '--html',
      html,
      '--',
      process.execPath,
      '-e',
      'setTimeout(() => {}, 300)',
    ])
    expect(run.code).toBe(0)
    expect(run.stderr).not.toContain('cleanroom report:')
    const page = readFileSync(html, 'utf8')
    expect(page).toContain(
      '<title id="memory-t">Memory of the test process tree over the run</title>',
    )
    expect(page).toContain('No teardown entries were recorded.')
  })
})

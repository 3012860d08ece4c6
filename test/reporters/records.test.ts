import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { mergeRun } from '../../src/reporters/merge.ts'
import { createRecordWriter, readShard, type TestRecord } from '../../src/reporters/records.ts'
import { makeTempDir, testRecord } from './sample-records.ts'

const [root, removeRoot] = makeTempDir()
afterAll(removeRoot)
let count = 0
const freshDir = (): string => join(root, `dir-${++count}`)

const readLines = (file: string): TestRecord[] =>
  readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as TestRecord)

describe('createRecordWriter', () => {
  it('creates the directory and appends one JSON line a record to a file of its own', () => {
    const dir = freshDir()
    const writer = createRecordWriter(dir, {})
    expect(existsSync(dir)).toBe(true)
    expect(basename(writer.file)).toMatch(
      new RegExp(
        `^records-${hostname().replaceAll(/[^\w.-]/g, '_')}-${process.pid}-[0-9a-f]{12}\\.jsonl$`,
      ),
    )
    // Nothing is written before the first record: a process that runs no test leaves no file.
    expect(readdirSync(dir)).toEqual([])
    writer.write(testRecord({ timestamp: '2026-12-03T08:00:00.000Z' }))
    writer.write(testRecord({ test: ['db', 'deletes a row'], outcome: 'failed' }))
    // Synchronous: the line is in the file as write() returns.
    expect(readLines(writer.file)).toHaveLength(2)
    writer.close()
    const [first, second] = readLines(writer.file)
    expect(first).toEqual({
      schema: 'cleanroom-records/1',
      ...testRecord(),
      timestamp: '2026-12-03T08:00:00.000Z',
      pid: process.pid,
    })
    expect(second?.outcome).toBe('failed')
    expect(Date.parse(second?.timestamp ?? '')).toBeGreaterThan(Date.now() - 60_000)
  })

  it('gives two writers of one process two files', () => {
    const dir = freshDir()
    const a = createRecordWriter(dir, {})
    const b = createRecordWriter(dir, {})
    a.write(testRecord())
    b.write(testRecord())
    a.close()
    b.close()
    expect(a.file).not.toBe(b.file)
    expect(readdirSync(dir)).toHaveLength(2)
  })

  it('records the shard CLEANROOM_SHARD names', () => {
    const dir = freshDir()
    const writer = createRecordWriter(dir, { CLEANROOM_SHARD: '2/3' })
    writer.write(testRecord())
    writer.close()
    expect(readLines(writer.file)[0]?.shard).toEqual({ index: 2, count: 3 })
  })

  it('refuses a record that does not follow the schema, and writes nothing', () => {
    const writer = createRecordWriter(freshDir(), {})
    expect(() => {
      writer.write(testRecord({ leaks: [{ kind: 'timer' } as never] }))
    }).toThrow(
      new TypeError('Invalid test record: leaks[0].description should be a string, got nothing.'),
    )
    expect(() => {
      writer.write(testRecord({ test: [] }))
    }).toThrow('Invalid test record: test should be a non-empty array of strings, got [].')
    expect(existsSync(writer.file)).toBe(false)
    writer.close()
  })

  it('refuses to write once closed', () => {
    const writer = createRecordWriter(freshDir(), {})
    writer.close()
    expect(() => {
      writer.write(testRecord())
    }).toThrow(/is closed; write before close\(\)/)
  })

  it('refuses an empty directory name and a malformed CLEANROOM_SHARD at the call', () => {
    expect(() => createRecordWriter('', {})).toThrow(
      new TypeError(
        'Expected the records directory to be a non-empty string, got an empty string.',
      ),
    )
    expect(() => createRecordWriter(freshDir(), { CLEANROOM_SHARD: '3/2' })).toThrow(
      new TypeError(
        'Expected CLEANROOM_SHARD to be <index>/<count> with 1 ≤ index ≤ count, such as 2/4, got `3/2`. Set it as you set --shard for the runner, or unset it.',
      ),
    )
  })
})

describe('readShard', () => {
  it('reads <index>/<count>, and nothing when unset or empty', () => {
    expect(readShard({ CLEANROOM_SHARD: ' 1 / 4 ' })).toEqual({ index: 1, count: 4 })
    expect(readShard({ CLEANROOM_SHARD: '' })).toBeUndefined()
    expect(readShard({})).toBeUndefined()
    expect(() => readShard({ CLEANROOM_SHARD: '0/4' })).toThrow(TypeError)
    expect(() => readShard({ CLEANROOM_SHARD: 'first' })).toThrow(TypeError)
  })
})

describe('two processes writing to one directory at once', () => {
  it('write two files, every line whole', async () => {
    const dir = freshDir()
    const writerScript = new URL('../fixtures/records/write-many.ts', import.meta.url).pathname
    const start = (file: string) =>
      spawn(process.execPath, ['--import', 'tsx', writerScript, '300', file], {
        env: { ...process.env, CLEANROOM_REPORT: dir },
        stdio: ['ignore', 'ignore', 'inherit'],
      })
    const children = [start('test/a.test.ts'), start('test/b.test.ts')]
    const codes = await Promise.all(
      children.map(async (child) => ((await once(child, 'exit')) as [number | null])[0]),
    )
    expect(codes).toEqual([0, 0])
    const files = readdirSync(dir)
    expect(files).toHaveLength(2)
    const pids = new Set(children.map((child) => child.pid))
    for (const name of files) {
      const records = readLines(join(dir, name))
      expect(records).toHaveLength(300)
      // One process a file: one pid, one test file, in the order written.
      expect(new Set(records.map((record) => record.pid)).size).toBe(1)
      expect(pids.has(records[0]?.pid)).toBe(true)
      expect(new Set(records.map((record) => record.file)).size).toBe(1)
      expect(records.map((record) => record.test[1])).toEqual(
        Array.from({ length: 300 }, (_, index) => `test ${index}`),
      )
    }
  })
})

describe('a process killed while it writes', () => {
  it('loses at most the line it was writing: the rest of its file merges', async () => {
    const dir = freshDir()
    const writerScript = new URL('../fixtures/records/write-many.ts', import.meta.url).pathname
    const child = spawn(process.execPath, ['--import', 'tsx', writerScript, '100000000'], {
      env: { ...process.env, CLEANROOM_REPORT: dir },
      stdio: 'ignore',
    })
    const exited = once(child, 'exit')
    // Killed once its file holds a few hundred lines, in the middle of its loop.
    for (let lines = 0; lines < 300; await new Promise((resolve) => setTimeout(resolve, 20))) {
      const [name] = existsSync(dir) ? readdirSync(dir) : []
      lines = name === undefined ? 0 : readFileSync(join(dir, name), 'utf8').split('\n').length
    }
    child.kill('SIGKILL')
    await exited
    const report = mergeRun({ dirs: [dir] })
    expect(report.totals.tests).toBeGreaterThanOrEqual(300)
    expect(report.warnings.length).toBeLessThanOrEqual(1)
    expect(report.tests.map((test) => test.name)).toEqual(
      report.tests.map((_, index) => `suite › test ${index}`),
    )
  })
})

import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
// Internal: the runtime every adapter drives, with per-test records on, as adapters use it.
import { CleanupError } from '../../src/core/errors.ts'
import type { TestRecord } from '../../src/reporters/records.ts'
import { readRecords } from '../../src/reporters/read-records.ts'
import { resolveSettings, validateOptions } from '../../src/runtime/options.ts'
import { Runtime } from '../../src/runtime/runtime.ts'
import { createScope } from '../../src/core/scope.ts'
import { scopesOf } from '../../src/runtime/scope-tree.ts'

const dirs: string[] = []
const running: Runtime[] = []
const file = 'test/runtime/records.test.ts'

function recordsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cleanroom-runtime-records-'))
  dirs.push(dir)
  return dir
}

/** A runtime as an adapter installs it with `options`, a file begun. */
async function start(
  options: Record<string, unknown>,
  env: Record<string, string> = {},
): Promise<Runtime> {
  const runtime = new Runtime(resolveSettings(validateOptions(options, 'test'), env), 'vitest')
  running.push(runtime)
  await runtime.beginFile(file)
  return runtime
}

async function finish(runtime: Runtime): Promise<void> {
  running.splice(running.indexOf(runtime), 1)
  await runtime.endWorker()
}

function recordsIn(dir: string): TestRecord[] {
  return readRecords([dir]).records.map((read) => read.record)
}

/** The warnings printed while `run` runs (leaks and global state in warn mode print theirs). */
async function quietly<Result>(run: () => Promise<Result>): Promise<Result> {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
  try {
    return await run()
  } finally {
    warn.mockRestore()
  }
}

afterEach(async () => {
  for (const runtime of running.splice(0)) await runtime.endWorker()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  delete process.env.CLEANROOM_RECORDS_PROBE
})

describe('per-test records', () => {
  it('writes one record a test: the file, the title and outcome the adapter gave, the duration, the teardown', async () => {
    const dir = recordsDir()
    const runtime = await start({ report: dir, leaks: 'off', globals: 'off' })
    expect(runtime.recording).toBe(true)
    runtime.beginTest('closes the pool')
    scopesOf(runtime, createScope).current.defer(() => undefined, { label: 'close the pool' })
    await new Promise((resolve) => setTimeout(resolve, 20))
    runtime.describeTest(['db', 'pool', 'closes the pool'], 'passed')
    expect(await runtime.endTest()).toBeUndefined()
    runtime.beginTest('fails by itself')
    runtime.describeTest(['db', 'fails by itself'], 'failed')
    expect(await runtime.endTest()).toBeUndefined()
    await finish(runtime)

    const [first, second, ...rest] = recordsIn(dir)
    expect(rest).toEqual([])
    expect(first).toMatchObject({
      schema: 'cleanroom-records/1',
      runner: 'vitest',
      file,
      test: ['db', 'pool', 'closes the pool'],
      outcome: 'passed',
      leaks: [],
      globalState: [],
      pid: process.pid,
    })
    expect(first?.durationMs).toBeGreaterThanOrEqual(15)
    expect(first?.memory).toBeUndefined()
    expect(first?.teardown).toEqual([
      {
        label: 'close the pool',
        kind: 'defer',
        outcome: 'ok',
        durationMs: expect.any(Number) as number,
        created: expect.stringMatching(/records\.test\.ts:\d+:\d+$/) as string,
      },
    ])
    expect(second).toMatchObject({ test: ['db', 'fails by itself'], outcome: 'failed' })
    expect(second?.teardown).toEqual([])
  })

  it('records a test cleanroom failed as failed, with the failed teardown entry, whatever the runner said', async () => {
    const dir = recordsDir()
    const runtime = await start({ report: dir, leaks: 'off', globals: 'off', timeout: 50 })
    runtime.beginTest('leaves a broken client')
    scopesOf(runtime, createScope).current.defer(
      () => {
        throw new Error('socket hang up')
      },
      { label: 'close the client' },
    )
    scopesOf(runtime, createScope).current.defer(() => new Promise(() => undefined), {
      label: 'drain',
    })
    runtime.describeTest(['leaves a broken client'], 'passed')
    expect(await runtime.endTest()).toBeInstanceOf(CleanupError)
    await finish(runtime)

    const [record] = recordsIn(dir)
    expect(record?.outcome).toBe('failed')
    expect(record?.teardown.map(({ label, outcome }) => [label, outcome])).toEqual([
      ['drain', 'timeout'],
      ['close the client', 'error'],
    ])
  })

  it('records the leaks and global-state changes found in warn mode, which fail nothing', async () => {
    const dir = recordsDir()
    const runtime = await start({ report: dir, leaks: 'warn', globals: 'warn' })
    runtime.beginTest('leaves a poller and a variable')
    const poller = setInterval(() => undefined, 60_000)
    process.env.CLEANROOM_RECORDS_PROBE = 'on'
    runtime.describeTest(['leaves a poller and a variable'], 'passed')
    try {
      expect(await quietly(() => runtime.endTest())).toBeUndefined()
    } finally {
      clearInterval(poller)
    }
    runtime.beginTest('is clean')
    runtime.describeTest(['is clean'], 'passed')
    expect(await runtime.endTest()).toBeUndefined()
    await quietly(() => finish(runtime))

    const [leaver, clean] = recordsIn(dir)
    expect(leaver?.outcome).toBe('passed')
    expect(leaver?.leaks).toEqual([
      {
        kind: 'timer',
        // Where it was created is known with trace on only.
        description: 'setInterval(() => undefined, 60000 ms)',
      },
    ])
    expect(leaver?.globalState).toEqual(['set process.env.CLEANROOM_RECORDS_PROBE'])
    expect(clean?.leaks).toEqual([])
    expect(clean?.globalState).toEqual([])
  })

  it('records a leak that fails the test, and the test as failed', async () => {
    const dir = recordsDir()
    const runtime = await start({ report: dir, leaks: 'fail', globals: 'off' })
    runtime.beginTest('leaves a timer')
    const timer = setTimeout(() => undefined, 60_000)
    runtime.describeTest(['leaves a timer'], 'passed')
    try {
      const failure = await runtime.endTest()
      expect(failure?.message).toMatch(/^test "leaves a timer" left 1 resource running/)
    } finally {
      clearTimeout(timer)
    }
    await finish(runtime)
    const [record] = recordsIn(dir)
    expect(record?.outcome).toBe('failed')
    expect(record?.leaks.map((leak) => leak.kind)).toEqual(['timer'])
  })

  it('records the heap before and after each checked test when memory checks are on', async () => {
    const dir = recordsDir()
    const runtime = await start({ report: dir, leaks: 'off', globals: 'off', memory: {} })
    runtime.beginTest('allocates')
    runtime.describeTest(['allocates'], 'passed')
    await runtime.endTest()
    await finish(runtime)
    const [record] = recordsIn(dir)
    const memory = record?.memory
    expect(memory?.heapBeforeBytes).toBeGreaterThan(1_000_000)
    expect(memory?.heapAfterBytes).toBeGreaterThan(1_000_000)
    expect(memory?.deltaBytes).toBe((memory?.heapAfterBytes ?? 0) - (memory?.heapBeforeBytes ?? 0))
  })

  it('records a test the runner skipped, and a test no adapter described under its own name', async () => {
    const dir = recordsDir()
    const runtime = await start({ report: dir, leaks: 'off', globals: 'off' })
    expect(runtime.recordSkipped(['db', 'is not written yet'])).toBeUndefined()
    runtime.beginTest('bare')
    await runtime.endTest()
    await finish(runtime)
    expect(
      recordsIn(dir).map(({ test, outcome, durationMs }) => [test, outcome, durationMs]),
    ).toEqual([
      [['db', 'is not written yet'], 'skipped', 0],
      [['bare'], 'passed', expect.any(Number)],
    ])
  })

  it('writes one file a process until the worker ends, then a new one for the next runtime', async () => {
    const dir = recordsDir()
    const first = await start({ report: dir, leaks: 'off', globals: 'off' })
    for (const name of ['one', 'two']) {
      first.beginTest(name)
      await first.endTest()
    }
    await finish(first)
    const second = await start({ leaks: 'off', globals: 'off' }, { CLEANROOM_REPORT: dir })
    second.beginTest('three')
    await second.endTest()
    await finish(second)
    const read = readRecords([dir])
    expect(read.files).toHaveLength(2)
    expect(read.records.map(({ record }) => record.test[0])).toEqual(
      expect.arrayContaining(['one', 'two', 'three']),
    )
    const perFile = read.files.map(
      (source) => read.records.filter((each) => each.source === source).length,
    )
    expect(perFile.sort()).toEqual([1, 2])
  })

  it('is off without the option or the variable, or with the variable empty: nothing written, no clock read', async () => {
    const dir = recordsDir()
    rmSync(dir, { recursive: true })
    const now = vi.spyOn(performance, 'now')
    try {
      const runtime = await start(
        { report: dir, leaks: 'off', globals: 'off' },
        { CLEANROOM_REPORT: '' },
      )
      expect(runtime.recording).toBe(false)
      runtime.beginTest('unrecorded')
      runtime.describeTest(['unrecorded'], 'passed')
      await runtime.endTest()
      await finish(runtime)
      expect(now).not.toHaveBeenCalled()
    } finally {
      now.mockRestore()
    }
    expect(existsSync(dir)).toBe(false)
  })

  it('refuses at install a records directory it cannot create, with the file system error', () => {
    const dir = recordsDir()
    const blocker = join(dir, 'a-file')
    writeFileSync(blocker, '')
    expect(
      () => new Runtime(resolveSettings({}, { CLEANROOM_REPORT: join(blocker, 'records') })),
    ).toThrow(/ENOTDIR/)
    expect(readdirSync(dir)).toEqual(['a-file'])
  })

  it('refuses a malformed CLEANROOM_SHARD at install when records are on', () => {
    const dir = recordsDir()
    const shard = process.env.CLEANROOM_SHARD
    process.env.CLEANROOM_SHARD = 'two of four'
    try {
      expect(() => new Runtime(resolveSettings({ report: dir }, {}))).toThrow(
        new TypeError(
          'Expected CLEANROOM_SHARD to be <index>/<count> with 1 ≤ index ≤ count, such as 2/4, got `two of four`. Set it as you set --shard for the runner, or unset it.',
        ),
      )
    } finally {
      if (shard === undefined) delete process.env.CLEANROOM_SHARD
      else process.env.CLEANROOM_SHARD = shard
    }
  })
})

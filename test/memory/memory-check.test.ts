import { afterEach, describe, expect, it, vi } from 'vitest'
// Internal: the runtime every adapter drives, with the memory checks on, as adapters use it.
import { MemoryGrowthError } from '../../src/core/errors.ts'
import type { MemoryOptions } from '../../src/memory/options.ts'
import { resolveSettings } from '../../src/runtime/options.ts'
import { Runtime, type TeardownFailure } from '../../src/runtime/runtime.ts'

const file = 'test/memory/memory-check.test.ts'
const running: Runtime[] = []
/** What the tests below retain on purpose, as a module-level cache would; emptied after each. */
const retained: unknown[] = []

afterEach(async () => {
  retained.length = 0
  for (const runtime of running.splice(0)) await runtime.endWorker()
})

/** A runtime as an adapter installs it, a file begun, leak detection and the guard off. */
async function start(memory: MemoryOptions | false): Promise<Runtime> {
  const runtime = new Runtime(resolveSettings({ leaks: 'off', globals: 'off', memory }, {}))
  running.push(runtime)
  await runtime.beginFile(file)
  return runtime
}

/** About `bytes` of JavaScript heap (arrays of doubles, 8 bytes each), in 100 KB arrays. */
function allocate(bytes: number): number[][] {
  return Array.from({ length: Math.ceil(bytes / 100e3) }, (_, index) =>
    new Array<number>(12_500).fill(index + 0.5),
  )
}

/** The warnings printed while `run` runs, and what it returned. */
async function warnings<Result>(run: () => Promise<Result>): Promise<[Result, string[]]> {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
  try {
    const result = await run()
    return [result, warn.mock.calls.map((call) => String(call[0]))]
  } finally {
    warn.mockRestore()
  }
}

/** Runs one test through the runtime: `body` between its begin and its end. */
async function runTest(runtime: Runtime, name: string, body: () => void): Promise<TeardownFailure> {
  runtime.beginTest(name)
  body()
  return runtime.endTest()
}

describe('a test that retains 20 MB', () => {
  it('fails with MemoryGrowthError above failAbove, every time (5 runs)', async () => {
    const runtime = await start({ failAbove: '10 MB', trend: false })
    for (let run = 0; run < 5; run++) {
      const failure = await runTest(runtime, 'caches every user', () => {
        retained.push(allocate(20e6))
      })
      expect(failure).toBeInstanceOf(MemoryGrowthError)
      const error = failure as MemoryGrowthError
      expect(error.code).toBe('ERR_CLEANROOM_MEMORY_GROWTH')
      expect(error.owner).toBe('test "caches every user"')
      expect(error.growth).toBeGreaterThan(18e6)
      expect(error.growth).toBeLessThan(23e6)
      expect(error.limit).toBe(10e6)
      expect(error.message).toMatch(
        /^test "caches every user" grew the heap by (?:19|2\d)\.\d MB \(after a forced garbage collection: \d+\.\d MB as it began, \d+\.\d MB after its teardown\), above memory\.failAbove \(10\.0 MB\)\. Something the test created is still reachable/,
      )
      retained.length = 0
    }
  })

  it('is printed, not failed, above warnAbove (5 runs)', async () => {
    const runtime = await start({ warnAbove: '10 MB', trend: false })
    for (let run = 0; run < 5; run++) {
      const [failure, printed] = await warnings(() =>
        runTest(runtime, 'caches every user', () => {
          retained.push(allocate(20e6))
        }),
      )
      expect(failure).toBeUndefined()
      expect(printed).toHaveLength(1)
      expect(printed[0]).toMatch(
        /^cleanroom: test "caches every user" grew the heap by (?:19|2\d)\.\d MB .*above memory\.warnAbove \(10\.0 MB\)/,
      )
      retained.length = 0
    }
  })
})

describe('a clean test', () => {
  it('is not flagged, though it allocated 20 MB and dropped it (5 runs)', async () => {
    const runtime = await start({ warnAbove: '10 MB', failAbove: '10 MB', trend: false })
    for (let run = 0; run < 5; run++) {
      const [failure, printed] = await warnings(() =>
        runTest(runtime, 'sorts a big list', () => {
          const scratch = allocate(20e6)
          if (scratch.length !== 200) throw new Error('allocated the wrong amount')
        }),
      )
      expect(failure).toBeUndefined()
      expect(printed).toEqual([])
    }
  })

  it('stays within 1 MB of where it began (the noise the thresholds sit above)', async () => {
    const runtime = await start({ failAbove: 1e6, trend: false })
    for (let run = 0; run < 5; run++) {
      expect(await runTest(runtime, 'does little', () => void allocate(1e6))).toBeUndefined()
    }
  })
})

describe('the trend over a file', () => {
  /** Runs a file of `tests` tests, each retaining `bytes`; returns the file's failure and warnings. */
  async function runFile(memory: MemoryOptions, tests: number, bytes: number) {
    const runtime = new Runtime(resolveSettings({ leaks: 'off', globals: 'off', memory }, {}))
    running.push(runtime)
    return warnings(async () => {
      await runtime.beginFile('test/users.test.ts')
      for (let index = 0; index < tests; index++) {
        const failure = await runTest(runtime, `test ${index + 1}`, () => {
          if (bytes > 0) retained.push(allocate(bytes))
          else void allocate(200e3)
        })
        if (failure !== undefined) throw failure
      }
      return runtime.endFile()
    })
  }

  it('reports a file whose every test retains 200 KB, though no test is above warnAbove', async () => {
    const [failure, printed] = await runFile({}, 20, 200e3)
    expect(failure).toBeUndefined()
    expect(printed).toHaveLength(1)
    expect(printed[0]).toMatch(
      /^cleanroom: file test\/users\.test\.ts: its heap grew steadily, (1[89]\d|2[012]\d) KB a test over 20 checked tests \(\d\.\d MB in all on the fitted line, R² (0\.9\d|1\.00)\)/,
    )
  })

  it('fails such a file with MemoryGrowthError when its fitted growth is above failAbove', async () => {
    const [failure] = await runFile({ failAbove: '2 MB' }, 20, 200e3)
    expect(failure).toBeInstanceOf(MemoryGrowthError)
    const error = failure as MemoryGrowthError
    expect(error.owner).toBe('file test/users.test.ts')
    expect(error.growth).toBeGreaterThan(3e6)
    expect(error.message).toContain('The growth is above memory.failAbove (2.0 MB).')
  })

  it('says nothing of a clean file (5 runs)', async () => {
    for (let run = 0; run < 5; run++) {
      const [failure, printed] = await runFile({}, 20, 0)
      expect(failure).toBeUndefined()
      expect(printed).toEqual([])
    }
  })

  it('says nothing of a file with too few tests to read a trend from', async () => {
    const [failure, printed] = await runFile({}, 6, 200e3)
    expect(failure).toBeUndefined()
    expect(printed).toEqual([])
  })

  it('is not read with trend: false', async () => {
    const [, printed] = await runFile({ trend: false }, 20, 200e3)
    expect(printed).toEqual([])
  })
})

describe('every: n', () => {
  it('checks the 1st test of each n (1st, 4th, 7th with every: 3), not the others', async () => {
    const runtime = await start({ every: 3, failAbove: '10 MB', trend: false })
    const failed: number[] = []
    for (let index = 1; index <= 7; index++) {
      const failure = await runTest(runtime, `test ${index}`, () => {
        retained.push(allocate(20e6))
      })
      if (failure !== undefined) failed.push(index)
      retained.length = 0
    }
    expect(failed).toEqual([1, 4, 7])
  })

  it('starts counting afresh in each file', async () => {
    const runtime = await start({ every: 2, failAbove: '10 MB', trend: false })
    await runTest(runtime, 'first of file 1', () => undefined)
    await runtime.beginFile('test/second.test.ts')
    const failure = await runTest(runtime, 'first of file 2', () => {
      retained.push(allocate(20e6))
    })
    expect(failure).toBeInstanceOf(MemoryGrowthError)
  })
})

describe('memory off', () => {
  it('measures nothing by default', async () => {
    const runtime = new Runtime(resolveSettings({ leaks: 'off', globals: 'off' }, {}))
    running.push(runtime)
    await runtime.beginFile(file)
    const [failure, printed] = await warnings(() =>
      runTest(runtime, 'caches every user', () => {
        retained.push(allocate(20e6))
      }),
    )
    expect(failure).toBeUndefined()
    expect(printed).toEqual([])
  })
})

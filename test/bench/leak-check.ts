import { once } from 'node:events'
import { connect, createServer, type Server, type Socket } from 'node:net'
// Internal: the runtime every adapter drives, constructed as the adapters (and
// test/leaks/detect.test.ts) do, so the per-test lifecycle is measured without a runner.
import type { Environment, LeakMode } from '../../src/leaks/options.ts'
import { resolveSettings } from '../../src/runtime/options.ts'
import { Runtime } from '../../src/runtime/runtime.ts'
import { forceGc } from './force-gc.ts'
import { formatTable, verdict } from './format-table.ts'
import { isMain } from './is-main.ts'
import { median } from './median.ts'
import type { TargetCheck } from './target.ts'

/**
 * What leak detection costs each test that leaks nothing: cleanroom's per-test lifecycle
 * (`beginTest(name)`, then `await endTest()`, an empty test in between) with leak detection
 * off, on (`'fail'`, the default) and in trace mode (`CLEANROOM_TRACE=1`), in one process, with
 * nothing open and with a population of idle handles and timers that the runner or a file
 * fixture keeps open across tests. µs per test, median of `rounds`, the modes interleaved.
 */

const testsPerRound = 20_000
const warmUpTests = 2_000
const rounds = 7
/** The bound on what the check adds to a clean test: µs of 'fail' minus µs of 'off'. */
const targetUs = 50

interface Mode {
  readonly label: string
  readonly leaks: LeakMode
  readonly env: Environment
  /** Whether it runs in trace mode: checked, so an environment variable cannot change it. */
  readonly trace: boolean
}

const modes: readonly Mode[] = [
  { label: "'off'", leaks: 'off', env: {}, trace: false },
  { label: "'fail'", leaks: 'fail', env: {}, trace: false },
  {
    label: "'fail', CLEANROOM_TRACE=1",
    leaks: 'fail',
    env: { CLEANROOM_TRACE: '1' },
    trace: true,
  },
]

/** What is open while the tests run: idle servers and sockets, and a few ref'd timers. */
interface Population {
  readonly label: string
  readonly servers: number
  /** Client sockets, each connected to one of the servers (which accepts a socket of its own). */
  readonly clients: number
  readonly timers: number
}

const populations: readonly Population[] = [
  { label: 'nothing open', servers: 0, clients: 0, timers: 0 },
  // 10 servers + 20 clients + the 20 sockets the servers accepted: 50 handles.
  { label: '50 idle handles + 5 timers', servers: 10, clients: 20, timers: 5 },
]

interface Opened {
  readonly servers: Server[]
  readonly sockets: Socket[]
  readonly timers: NodeJS.Timeout[]
}

/** Opens the population, before any runtime exists (as a runner's own handles are). */
async function open(population: Population, into: Opened): Promise<void> {
  for (let index = 0; index < population.servers; index++) {
    const server = createServer((socket) => into.sockets.push(socket))
    into.servers.push(server)
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
  }
  for (let index = 0; index < population.clients; index++) {
    const server = into.servers[index % into.servers.length] as Server
    const { port } = server.address() as { port: number }
    const accepted = once(server, 'connection')
    const socket = connect(port, '127.0.0.1')
    into.sockets.push(socket)
    await Promise.all([once(socket, 'connect'), accepted])
  }
  for (let index = 0; index < population.timers; index++) {
    into.timers.push(
      index % 2 === 0
        ? setInterval(() => undefined, 3_600_000)
        : setTimeout(() => undefined, 3_600_000),
    )
  }
}

/** Closes everything `open()` opened, and waits until the servers have closed. */
async function close(opened: Opened): Promise<void> {
  for (const timer of opened.timers) clearTimeout(timer)
  for (const socket of opened.sockets) socket.destroy()
  await Promise.all(
    opened.servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => {
            resolve()
          })
        }),
    ),
  )
}

/**
 * Runs `tests` empty tests through a fresh runtime, a file begun; returns the ms of the test
 * loop. Throws if a test is reported as failed: these tests leak nothing.
 */
async function runTests(mode: Mode, tests: number): Promise<number> {
  const settings = resolveSettings({ leaks: mode.leaks }, mode.env)
  if (settings.leaks.mode !== mode.leaks || settings.leaks.trace !== mode.trace) {
    throw new Error(`leak check: ${mode.label} resolved to ${JSON.stringify(settings.leaks)}`)
  }
  const runtime = new Runtime(settings)
  let elapsed: number
  try {
    await runtime.beginFile('test/bench/leak-check.ts')
    const started = performance.now()
    for (let index = 0; index < tests; index++) {
      runtime.beginTest('leaks nothing')
      const failure = await runtime.endTest()
      if (failure !== undefined) throw failure
    }
    elapsed = performance.now() - started
  } catch (error) {
    // Stops detection and puts the global timer functions back, as after a clean run.
    await runtime.endWorker()
    throw error
  }
  const failure = await runtime.endWorker()
  if (failure !== undefined) throw failure
  return elapsed
}

export interface LeakCheckRow {
  readonly population: string
  readonly activeResources: number
  /** Median µs per test, by mode label. */
  readonly us: ReadonlyMap<string, number>
  /** µs per test of `'fail'` minus `'off'`. */
  readonly checkUs: number
  /** µs per test of trace mode minus `'off'`. */
  readonly traceUs: number
}

async function measure(population: Population): Promise<LeakCheckRow> {
  const opened: Opened = { servers: [], sockets: [], timers: [] }
  try {
    await open(population, opened)
    // What `process.getActiveResourcesInfo()` lists while it is open, this process's own included.
    const activeResources = process.getActiveResourcesInfo().length
    for (const mode of modes) await runTests(mode, warmUpTests)
    const samples = modes.map((): number[] => [])
    for (let round = 0; round < rounds; round++) {
      for (const [index, mode] of modes.entries()) {
        forceGc()
        const ms = await runTests(mode, testsPerRound)
        samples[index]?.push((ms * 1000) / testsPerRound)
      }
    }
    const us = new Map(modes.map((mode, index) => [mode.label, median(samples[index] ?? [])]))
    const of = (mode: Mode | undefined): number => us.get(mode?.label ?? '') ?? NaN
    return {
      population: population.label,
      activeResources,
      us,
      checkUs: of(modes[1]) - of(modes[0]),
      traceUs: of(modes[2]) - of(modes[0]),
    }
  } finally {
    await close(opened)
  }
}

export async function runLeakCheck(): Promise<{ rows: LeakCheckRow[]; checks: TargetCheck[] }> {
  const started = performance.now()
  console.log(
    `\n## leak check per test: ${testsPerRound.toLocaleString('en-US')} empty tests (beginTest + await endTest) per round, leaks 'off' vs 'fail' vs trace, median of ${rounds} interleaved rounds after ${warmUpTests.toLocaleString('en-US')} warm-up tests of each\n`,
  )
  const before = process.getActiveResourcesInfo().length
  const rows: LeakCheckRow[] = []
  for (const population of populations) rows.push(await measure(population))
  console.log(
    formatTable(
      [
        { title: 'open while testing' },
        { title: 'active resources', align: 'right' },
        ...modes.map((mode) => ({ title: `${mode.label} µs`, align: 'right' as const })),
        { title: "'fail' − 'off' µs", align: 'right' },
        { title: `≤ ${targetUs}` },
        { title: 'trace − off µs', align: 'right' },
      ],
      rows.map((row) => [
        row.population,
        String(row.activeResources),
        ...modes.map((mode) => (row.us.get(mode.label) ?? NaN).toFixed(2)),
        row.checkUs.toFixed(2),
        verdict(row.checkUs <= targetUs),
        row.traceUs.toFixed(2),
      ]),
    ),
  )
  // Let the closed handles leave the list before counting what is left.
  await new Promise((resolve) => setImmediate(resolve))
  await new Promise((resolve) => setImmediate(resolve))
  const after = process.getActiveResourcesInfo().length
  console.log(
    `\nactive resources after − before: ${String(after - before)}; leak check: ${((performance.now() - started) / 1000).toFixed(1)} s`,
  )
  const checks = rows.map((row) => ({
    name: `leak check, clean test, ${row.population}: 'fail' − 'off'`,
    measured: `${row.checkUs.toFixed(2)} µs/test`,
    target: `≤ ${targetUs} µs/test`,
    pass: row.checkUs <= targetUs,
  }))
  return { rows, checks }
}

if (isMain(import.meta.url)) {
  const { checks } = await runLeakCheck()
  if (checks.some((check) => !check.pass)) process.exitCode = 1
}

// Internal: the runtime every adapter drives, constructed as the adapters (and
// test/state/global-state.test.ts) do, so the per-test lifecycle is measured without a runner.
import { resolveSettings } from '../../src/runtime/options.ts'
import { Runtime } from '../../src/runtime/runtime.ts'
import type { GlobalStateMode } from '../../src/state/global-state-options.ts'
import { forceGc } from './force-gc.ts'
import { formatTable, verdict } from './format-table.ts'
import { isMain } from './is-main.ts'
import { median } from './median.ts'
import type { TargetCheck } from './target.ts'

/**
 * What the global-state guard costs each test that changes nothing: cleanroom's per-test
 * lifecycle (`beginTest(name, group)`, then `await endTest()`, an empty test in between, leak
 * detection on as by default) with the guard off, in `warn` (the default), `restore` and
 * `fail`, and in `warn` without a group (as under node:test, Mocha-less hooks: the environment
 * is copied for every test). µs per test, median of `rounds`, the modes interleaved, in this
 * process's environment (its variable and global counts are printed).
 */

const testsPerRound = 20_000
const warmUpTests = 2_000
const rounds = 7
/** The bound on what the default mode adds to a clean test: µs of 'warn' minus µs of 'off'. */
const targetUs = 25

interface Mode {
  readonly label: string
  readonly globals: GlobalStateMode
  /** The test's group, as an adapter passes it; undefined when the runner does not tell. */
  readonly group: object | undefined
}

const suite = {}
const modes: readonly Mode[] = [
  { label: "'off'", globals: 'off', group: suite },
  { label: "'warn'", globals: 'warn', group: suite },
  { label: "'warn', no group", globals: 'warn', group: undefined },
  { label: "'restore'", globals: 'restore', group: suite },
  { label: "'fail'", globals: 'fail', group: suite },
]

/** Runs `tests` clean tests through a fresh runtime, a file begun; returns the loop's ms. */
async function runTests(mode: Mode, tests: number): Promise<number> {
  const settings = resolveSettings({ leaks: 'fail', globals: mode.globals }, {})
  const runtime = new Runtime(settings)
  let elapsed: number
  try {
    await runtime.beginFile('test/bench/global-state.ts')
    const started = performance.now()
    for (let index = 0; index < tests; index++) {
      runtime.beginTest('changes nothing', mode.group)
      const failure = await runtime.endTest()
      if (failure !== undefined) throw failure
    }
    elapsed = performance.now() - started
  } finally {
    await runtime.endWorker()
  }
  return elapsed
}

export interface GlobalStateRow {
  readonly label: string
  readonly us: number
  /** µs per test over the guard off. */
  readonly addedUs: number
}

export async function runGlobalState(): Promise<{
  rows: GlobalStateRow[]
  checks: TargetCheck[]
}> {
  const started = performance.now()
  const envVars = Object.keys(process.env).length
  const globals = Object.getOwnPropertyNames(globalThis).length
  const enumerable = Object.keys(globalThis).length
  console.log(
    `\n## global-state guard per test: ${testsPerRound.toLocaleString('en-US')} clean tests (beginTest + await endTest, leaks 'fail') per round, globals 'off' vs 'warn' vs 'restore' vs 'fail', median of ${rounds} interleaved rounds after ${warmUpTests.toLocaleString('en-US')} warm-up tests of each; ${envVars} env vars, ${globals} globals (${enumerable} enumerable), ${process.eventNames().length} process events with listeners\n`,
  )
  for (const mode of modes) await runTests(mode, warmUpTests)
  const samples = modes.map((): number[] => [])
  for (let round = 0; round < rounds; round++) {
    for (const [index, mode] of modes.entries()) {
      forceGc()
      const ms = await runTests(mode, testsPerRound)
      samples[index]?.push((ms * 1000) / testsPerRound)
    }
  }
  const us = samples.map((values) => median(values))
  const off = us[0] ?? NaN
  const rows = modes.map((mode, index) => ({
    label: mode.label,
    us: us[index] ?? NaN,
    addedUs: (us[index] ?? NaN) - off,
  }))
  const warn = rows[1] as GlobalStateRow
  console.log(
    formatTable(
      [
        { title: 'globals' },
        { title: 'µs/test', align: 'right' },
        { title: "− 'off' µs", align: 'right' },
      ],
      rows.map((row) => [row.label, row.us.toFixed(2), row.addedUs.toFixed(2)]),
    ),
  )
  console.log(
    `\n'warn' − 'off': ${warn.addedUs.toFixed(2)} µs/test (≤ ${targetUs}: ${verdict(warn.addedUs <= targetUs)}); global-state guard: ${((performance.now() - started) / 1000).toFixed(1)} s`,
  )
  const checks: TargetCheck[] = [
    {
      name: "global-state guard, clean test: 'warn' − 'off'",
      measured: `${warn.addedUs.toFixed(2)} µs/test`,
      target: `≤ ${targetUs} µs/test`,
      pass: warn.addedUs <= targetUs,
    },
  ]
  return { rows, checks }
}

if (isMain(import.meta.url)) {
  const { checks } = await runGlobalState()
  if (checks.some((check) => !check.pass)) process.exitCode = 1
}

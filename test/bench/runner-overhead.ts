import { spawnSync } from 'node:child_process'
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { formatTable, verdict } from './format-table.ts'
import { isMain } from './is-main.ts'
import { median } from './median.ts'
import type { TargetCheck } from './target.ts'

/**
 * What installing cleanroom costs a real test run: a 2,000-test suite (20 files of 100 tests,
 * one `await` each) under Vitest and under Jest, the plain runner against the runner with
 * cleanroom's one-line install (leak detection and the global-state guard on, their
 * defaults), the same without the guard (`CLEANROOM_GLOBALS=off`), with trace mode
 * (`CLEANROOM_TRACE=1`), and, for comparison, the runner's own leak detection (Jest's
 * `--detectOpenHandles`, Vitest's `--detectAsyncLeaks`) without cleanroom. Every round runs
 * every configuration once (interleaved, each round starting one configuration later); wall time of the whole CLI run, median of `runs`, and
 * beside it the CPU time of the run's whole process tree (Linux), which a busy machine moves less.
 *
 * A configuration's ratio is the median, over the rounds, of its time over the plain runner's in
 * the same round: on the small machines this is measured on, the speed of the whole machine
 * drifts by 10–20 % from one half-minute to the next (the same plain run's CPU time per Vitest
 * worker went from 156 to 196 ms between two rounds), which a ratio of two medians, taken over
 * different rounds, carries into the result, and a ratio within a round, seconds apart, mostly
 * cancels. The ratio of the medians is printed beside it.
 */

const packageRoot = fileURLToPath(new URL('../../', import.meta.url))
const files = 20
const testsPerFile = 100
const runs = 9

interface Configuration {
  /** How the row reads, e.g. `cleanroom defaults (leaks 'fail')`. */
  readonly label: string
  /** Which project it runs: the plain one, or the one with cleanroom's one-line install. */
  readonly withCleanroom: boolean
  /** Arguments added to the runner's own. */
  readonly args: readonly string[]
  /** Environment variables for this configuration, over the common ones. */
  readonly env: Readonly<Record<string, string>>
  /** The bound on its median over the plain runner's; none for a comparison row. */
  readonly targetRatio?: number
}

export interface Runner {
  readonly name: string
  /** The CLI, relative to the repository's node_modules. */
  readonly bin: string
  readonly args: readonly string[]
  readonly testFile: (index: number) => { name: string; text: string }
  readonly config: (withCleanroom: boolean) => { name: string; text: string }
  /** The runner's own leak detection, without cleanroom: a comparison row. */
  readonly ownDetection: Configuration
}

const plain: Configuration = { label: 'plain', withCleanroom: false, args: [], env: {} }
const cleanroomConfigurations: readonly Configuration[] = [
  {
    label: "cleanroom defaults (leaks 'fail', globals 'warn')",
    withCleanroom: true,
    args: [],
    env: {},
    targetRatio: 1.1,
  },
  // What the global-state guard adds: the defaults without it.
  {
    label: 'cleanroom, CLEANROOM_GLOBALS=off',
    withCleanroom: true,
    args: [],
    env: { CLEANROOM_GLOBALS: 'off' },
  },
  {
    label: 'cleanroom, CLEANROOM_TRACE=1',
    withCleanroom: true,
    args: [],
    env: { CLEANROOM_TRACE: '1' },
    targetRatio: 1.3,
  },
]

const body = (style: 'esm' | 'cjs') =>
  [
    style === 'esm' ? "import { describe, test } from 'vitest'" : '',
    "describe('suite', () => {",
    `  for (let index = 0; index < ${testsPerFile}; index++) {`,
    '    test(`test ${index}`, async () => {',
    '      await Promise.resolve(index)',
    '    })',
    '  }',
    '})',
    '',
  ].join('\n')

export const runners: readonly Runner[] = [
  {
    name: 'Vitest',
    bin: 'vitest/vitest.mjs',
    args: ['run', '--config', 'vitest.config.mjs'],
    testFile: (index) => ({ name: `suite-${index}.test.mjs`, text: body('esm') }),
    config: (withCleanroom) => ({
      name: 'vitest.config.mjs',
      text: `export default { test: { include: ['*.test.mjs']${withCleanroom ? ", setupFiles: ['cleanroom/vitest/setup']" : ''} } }\n`,
    }),
    // `vitest run --help` lists it as `--detectAsyncLeaks` (`--detect-async-leaks` is the same).
    ownDetection: {
      label: 'plain --detectAsyncLeaks',
      withCleanroom: false,
      args: ['--detectAsyncLeaks'],
      env: {},
    },
  },
  {
    name: 'Jest',
    bin: 'jest/bin/jest.js',
    args: ['--config', 'jest.config.cjs'],
    testFile: (index) => ({ name: `suite-${index}.test.js`, text: body('cjs') }),
    config: (withCleanroom) => ({
      name: 'jest.config.cjs',
      text: `module.exports = { testEnvironment: 'node', testMatch: ['**/*.test.js']${withCleanroom ? ", setupFilesAfterEnv: ['cleanroom/jest/setup']" : ''} }\n`,
    }),
    ownDetection: {
      label: 'plain --detectOpenHandles',
      withCleanroom: false,
      args: ['--detectOpenHandles'],
      env: {},
    },
  },
]

/**
 * A project as a user has it: cleanroom installed as a copy of what it publishes (not a link
 * into this repository, which Vitest would transform as source code), its runtime dependency
 * and the runner linked from this repository's node_modules.
 */
export function createProject(runner: Runner, withCleanroom: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), `cleanroom-overhead-${runner.name.toLowerCase()}-`))
  writeFileSync(join(dir, 'package.json'), '{ "private": true }\n')
  const modules = join(dir, 'node_modules')
  mkdirSync(join(modules, 'cleanroom'), { recursive: true })
  cpSync(join(packageRoot, 'package.json'), join(modules, 'cleanroom', 'package.json'))
  cpSync(join(packageRoot, 'dist'), join(modules, 'cleanroom', 'dist'), { recursive: true })
  for (const dependency of ['p-timeout', runner.name.toLowerCase()]) {
    symlinkSync(join(packageRoot, 'node_modules', dependency), join(modules, dependency), 'dir')
  }
  const config = runner.config(withCleanroom)
  writeFileSync(join(dir, config.name), config.text)
  for (let index = 0; index < files; index++) {
    const file = runner.testFile(index)
    writeFileSync(join(dir, file.name), file.text)
  }
  return dir
}

/**
 * This process's environment without cleanroom's own variables (a `CLEANROOM_TRACE` set in the
 * shell would turn every cleanroom row into trace mode), and with the runners' CI settings.
 */
export function baseEnv(): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('CLEANROOM_'))
  return { ...Object.fromEntries(inherited), CI: 'true', NO_COLOR: '1' }
}

/**
 * The CPU time (user + system, ms) of this process's children that have ended and been waited
 * for, theirs included (`cutime` + `cstime` of `/proc/self/stat`, in clock ticks of 10 ms):
 * read around a run, the CPU of the whole tree it started. NaN where there is no `/proc`.
 */
function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8')
    // The fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // cutime and cstime are fields 16 and 17 of stat(5); the slice starts at field 3.
    return (Number(fields[13]) + Number(fields[14])) * 10
  } catch {
    return Number.NaN
  }
}

/** One run's wall time and the CPU time of its whole process tree, in ms. */
interface RunTimes {
  readonly wall: number
  readonly cpu: number
}

/** Runs the suite once; returns its times, or throws when the run failed. */
function runOnce(runner: Runner, configuration: Configuration, dir: string): RunTimes {
  const cpuBefore = childrenCpuMs()
  const started = performance.now()
  const result = spawnSync(
    process.execPath,
    [join(packageRoot, 'node_modules', runner.bin), ...runner.args, ...configuration.args],
    {
      cwd: dir,
      encoding: 'utf8',
      env: { ...baseEnv(), ...configuration.env },
      timeout: 300_000,
    },
  )
  const elapsed = performance.now() - started
  const cpu = childrenCpuMs() - cpuBefore
  const name = `${runner.name}, ${configuration.label}`
  if (result.status !== 0) {
    throw new Error(
      `${name}: run failed (${String(result.status)}):\n${result.stdout}\n${result.stderr}`,
    )
  }
  const summary = `${result.stdout}\n${result.stderr}`
  const expected = String(files * testsPerFile)
  if (!summary.includes(expected)) {
    throw new Error(`${name}: did not report ${expected} tests:\n${summary}`)
  }
  return { wall: elapsed, cpu }
}

/** The median over the rounds of a run's time (`what`) over the plain run's of the same round. */
function pairedRatio(
  rounds: readonly RunTimes[],
  plainRounds: readonly RunTimes[],
  what: keyof RunTimes,
): number {
  return median(rounds.map((round, at) => round[what] / (plainRounds[at] as RunTimes)[what]))
}

export interface OverheadRow {
  readonly runner: string
  readonly configuration: string
  readonly ms: number
  /** Median over the rounds of this configuration's wall time over the plain runner's in the same round. */
  readonly ratio: number
  /** Median of this configuration's wall time over the plain runner's median. */
  readonly ratioOfMedians: number
  /** Median CPU time of the run's whole process tree, ms (NaN without `/proc`). */
  readonly cpuMs: number
  /** Median over the rounds of the CPU time over the plain runner's in the same round. */
  readonly cpuRatio: number
  readonly targetRatio: number | undefined
}

export function runRunnerOverhead(): { rows: OverheadRow[]; checks: TargetCheck[] } {
  const started = performance.now()
  console.log(
    `\n## runner overhead: ${files * testsPerFile} tests (${files} files × ${testsPerFile}, one await each), plain vs cleanroom's one-line install (leak detection and the global-state guard on by default; without the guard; with CLEANROOM_TRACE=1) vs the runner's own leak detection, ${runs} interleaved rounds; ratios are the median over the rounds of each run over the plain run of its round\n`,
  )
  const rows: OverheadRow[] = []
  for (const runner of runners) {
    const configurations = [plain, ...cleanroomConfigurations, runner.ownDetection]
    const projects = {
      plain: createProject(runner, false),
      installed: createProject(runner, true),
    }
    const dirOf = (configuration: Configuration): string =>
      configuration.withCleanroom ? projects.installed : projects.plain
    try {
      // One warm-up of each, then `runs` rounds, each running every configuration once. Each
      // round starts one configuration later than the round before, so that no configuration
      // always runs first, or always right after the heaviest.
      for (const configuration of configurations)
        runOnce(runner, configuration, dirOf(configuration))
      const times = configurations.map((): RunTimes[] => [])
      for (let run = 0; run < runs; run++) {
        for (let step = 0; step < configurations.length; step++) {
          const index = (run + step) % configurations.length
          const configuration = configurations[index] as Configuration
          times[index]?.push(runOnce(runner, configuration, dirOf(configuration)))
        }
      }
      const medians = times.map((samples) => ({
        wall: median(samples.map((sample) => sample.wall)),
        cpu: median(samples.map((sample) => sample.cpu)),
      }))
      const plainTimes = medians[0] as RunTimes
      const plainRounds = times[0] as RunTimes[]
      configurations.forEach((configuration, index) => {
        const { wall, cpu } = medians[index] as RunTimes
        const rounds = times[index] as RunTimes[]
        rows.push({
          runner: runner.name,
          configuration: configuration.label,
          ms: wall,
          ratio: pairedRatio(rounds, plainRounds, 'wall'),
          ratioOfMedians: wall / plainTimes.wall,
          cpuMs: cpu,
          cpuRatio: pairedRatio(rounds, plainRounds, 'cpu'),
          targetRatio: configuration.targetRatio,
        })
      })
    } finally {
      rmSync(projects.plain, { recursive: true, force: true })
      rmSync(projects.installed, { recursive: true, force: true })
    }
  }
  console.log(
    formatTable(
      [
        { title: 'runner' },
        { title: 'configuration' },
        { title: 'median ms', align: 'right' },
        { title: '× plain (paired)', align: 'right' },
        { title: 'target' },
        { title: 'verdict' },
        { title: 'median / plain median', align: 'right' },
        { title: 'CPU ms', align: 'right' },
        { title: 'CPU × plain (paired)', align: 'right' },
      ],
      rows.map((row) => [
        row.runner,
        row.configuration,
        row.ms.toFixed(0),
        row.ratio.toFixed(3),
        row.targetRatio === undefined ? '' : `≤ ${row.targetRatio}`,
        row.targetRatio === undefined ? '' : verdict(row.ratio <= row.targetRatio),
        row.ratioOfMedians.toFixed(3),
        row.cpuMs.toFixed(0),
        row.cpuRatio.toFixed(3),
      ]),
    ),
  )
  console.log(`\nrunner overhead: ${((performance.now() - started) / 1000).toFixed(1)} s`)
  const plainMsOf = (runner: string): number =>
    rows.find((row) => row.runner === runner && row.configuration === plain.label)?.ms ?? NaN
  const checks = rows.flatMap((row) =>
    row.targetRatio === undefined
      ? []
      : [
          {
            name: `runner overhead: ${row.runner}, ${row.configuration} / plain`,
            measured: `${row.ratio.toFixed(3)} (paired per round; medians ${row.ms.toFixed(0)} / ${plainMsOf(row.runner).toFixed(0)} ms)`,
            target: `≤ ${row.targetRatio}`,
            pass: row.ratio <= row.targetRatio,
          },
        ],
  )
  return { rows, checks }
}

if (isMain(import.meta.url)) {
  const { checks } = runRunnerOverhead()
  if (checks.some((check) => !check.pass)) process.exitCode = 1
}

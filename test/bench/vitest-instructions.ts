import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { countInPairs, valgrindMissing } from './cachegrind.ts'
import { formatTable } from './format-table.ts'
import { isMain } from './is-main.ts'
import { baseEnv, createProject, runners } from './runner-overhead.ts'

/**
 * What cleanroom's one-line install costs a Vitest worker, counted in instructions instead of
 * time: 8 files of the 2,000-test suite of `runner-overhead.ts` (800 tests), run under
 * Valgrind's cachegrind (`--cache-sim=no`, `--trace-children=yes`), each process counted on
 * its own. Under Vitest every test file runs in a process of its own, so the figure that
 * tells what cleanroom costs is the instructions per worker, printed with their spread; the
 * main process is printed apart. Four configurations: the plain runner, the plain runner with
 * an empty setup file (what any `setupFiles` entry costs, cleanroom or not), cleanroom's
 * defaults, and cleanroom without the global-state guard.
 *
 * A worker's count moves by a few percent from run to run, with the moment V8's garbage
 * collector starts marking (on this suite's small files, a worker ends near the heap size at
 * which V8 starts its first major collection, and about half of the plain workers run one, for
 * some 50 M instructions), so a configuration's figure is the mean over its workers, with their
 * standard deviation. Kernel time is not counted. Skipped, said so, without `valgrind` on
 * the PATH. About 5 minutes on 2 cores.
 */

const packageRoot = fileURLToPath(new URL('../../', import.meta.url))
const vitest = runners.find((runner) => runner.name === 'Vitest')
const files = 8

interface Counted {
  readonly label: string
  /** Which project: the plain one, or the one with cleanroom's one-line install. */
  readonly withCleanroom: boolean
  /** The config file to run, in that project. */
  readonly config: string
  readonly env: Readonly<Record<string, string>>
}

const emptySetupConfig = 'vitest.empty-setup.config.mjs'

const configurations: readonly Counted[] = [
  { label: 'plain', withCleanroom: false, config: 'vitest.config.mjs', env: {} },
  {
    label: 'plain, an empty setup file',
    withCleanroom: false,
    config: emptySetupConfig,
    env: {},
  },
  {
    label: "cleanroom defaults (leaks 'fail', globals 'warn')",
    withCleanroom: true,
    config: 'vitest.config.mjs',
    env: {},
  },
  {
    label: 'cleanroom, CLEANROOM_GLOBALS=off',
    withCleanroom: true,
    config: 'vitest.config.mjs',
    env: { CLEANROOM_GLOBALS: 'off' },
  },
]

/** Vitest's CLI and its arguments: `config`, the first `files` test files by name. */
function vitestArgs(config: string): string[] {
  if (vitest === undefined) throw new Error('runner-overhead.ts has no Vitest runner')
  // A filter is part of a file's path: `suite-1.test.mjs` is not part of `suite-11.test.mjs`.
  const filters = Array.from({ length: files }, (_, index) => `suite-${index}.test.mjs`)
  return [join(packageRoot, 'node_modules', vitest.bin), 'run', '--config', config, ...filters]
}

/** Runs once, normally, so that Vitest's caches are warm for the counted run. */
function warmUp(dir: string, configuration: Counted): void {
  const result = spawnSync(process.execPath, vitestArgs(configuration.config), {
    cwd: dir,
    env: { ...baseEnv(), ...configuration.env },
  })
  if (result.status !== 0) throw new Error(`warm-up in ${dir} failed:\n${String(result.stderr)}`)
}

/** One counted run: the main process's instructions and each worker's. */
interface Count {
  readonly main: number
  readonly workers: readonly number[]
}

/** Counts every process of one run, each in a Valgrind log file of its own. */
function count(dir: string, configuration: Counted): Promise<Count> {
  const logs = mkdtempSync(join(tmpdir(), 'cleanroom-vitest-instructions-'))
  const valgrind = [
    '--tool=cachegrind',
    '--cache-sim=no',
    '--trace-children=yes',
    '--cachegrind-out-file=/dev/null',
    `--log-file=${join(logs, 'vg.%p')}`,
  ]
  return new Promise<Count>((resolve, reject) => {
    const child = spawn(
      'valgrind',
      [...valgrind, process.execPath, ...vitestArgs(configuration.config)],
      { cwd: dir, env: { ...baseEnv(), ...configuration.env } },
    )
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.on('error', reject)
    child.on('close', (status) => {
      try {
        const expected = `${String(files * 100)} passed`
        if (status !== 0 || !output.includes(expected)) {
          throw new Error(
            `counted run in ${dir} failed (${String(status)}):\n${output.slice(-2000)}`,
          )
        }
        let main = Number.NaN
        const workers: number[] = []
        for (const name of readdirSync(logs)) {
          const log = readFileSync(join(logs, name), 'utf8')
          const refs = /== I\s+refs:\s+([\d,]+)/.exec(log)?.[1]
          if (refs === undefined) continue
          const instructions = Number(refs.replaceAll(',', ''))
          // A Vitest worker runs its `workers/forks.js`; the main process, the CLI.
          if (/== Command: .*workers\/forks\.js/.test(log)) workers.push(instructions)
          else if (/== Command: .*vitest\.mjs run/.test(log)) main = instructions
        }
        if (workers.length !== files || Number.isNaN(main)) {
          throw new Error(
            `counted run in ${dir}: ${String(workers.length)} worker counts of ${String(files)}, main ${String(main)}`,
          )
        }
        resolve({ main, workers })
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)))
      } finally {
        rmSync(logs, { recursive: true, force: true })
      }
    })
  })
}

const mean = (values: readonly number[]): number =>
  values.reduce((sum, value) => sum + value, 0) / values.length

const spread = (values: readonly number[]): number => {
  const average = mean(values)
  return Math.sqrt(
    values.reduce((sum, value) => sum + (value - average) ** 2, 0) / (values.length - 1),
  )
}

export async function runVitestInstructions(): Promise<void> {
  console.log(
    `\n## Vitest, instructions: ${String(files)} files of the 2,000-test suite under cachegrind, per process\n`,
  )
  if (valgrindMissing()) return
  if (vitest === undefined) throw new Error('runner-overhead.ts has no Vitest runner')
  const started = performance.now()
  const dirs = { plain: createProject(vitest, false), installed: createProject(vitest, true) }
  writeFileSync(join(dirs.plain, 'empty-setup.mjs'), '')
  writeFileSync(
    join(dirs.plain, emptySetupConfig),
    "export default { test: { include: ['*.test.mjs'], setupFiles: ['./empty-setup.mjs'] } }\n",
  )
  const dirOf = (configuration: Counted) =>
    configuration.withCleanroom ? dirs.installed : dirs.plain
  try {
    for (const configuration of configurations) warmUp(dirOf(configuration), configuration)
    const counts = await countInPairs(configurations, (each) => count(dirOf(each), each))
    const plainWorker = mean((counts[0] as Count).workers)
    console.log(
      formatTable(
        [
          { title: 'configuration' },
          { title: 'per worker, mean (M)', align: 'right' },
          { title: 'sd (M)', align: 'right' },
          { title: '× plain', align: 'right' },
          { title: 'main process (G)', align: 'right' },
        ],
        configurations.map((configuration, index) => {
          const { main, workers } = counts[index] as Count
          return [
            configuration.label,
            (mean(workers) / 1e6).toFixed(1),
            (spread(workers) / 1e6).toFixed(1),
            (mean(workers) / plainWorker).toFixed(3),
            (main / 1e9).toFixed(3),
          ]
        }),
      ),
    )
    console.log(`\nVitest instructions: ${((performance.now() - started) / 1000).toFixed(1)} s`)
  } finally {
    rmSync(dirs.plain, { recursive: true, force: true })
    rmSync(dirs.installed, { recursive: true, force: true })
  }
}

if (isMain(import.meta.url)) await runVitestInstructions()

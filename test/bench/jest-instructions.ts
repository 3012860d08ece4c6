import { spawn, spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { countInPairs, valgrindMissing } from './cachegrind.ts'
import { formatTable } from './format-table.ts'
import { isMain } from './is-main.ts'
import { baseEnv, createProject, runners } from './runner-overhead.ts'

/**
 * What cleanroom's one-line install costs Jest, counted in instructions instead of time: the
 * same 2,000-test suite as `runner-overhead.ts`, run in band (one process) under Valgrind's
 * cachegrind (`--cache-sim=no`), plain, with cleanroom's defaults, without the global-state
 * guard and in trace mode. The count is the same from run to run within about 0.5 %, where the
 * wall time of a plain run on the small machines this project is measured on moves by ±15 %:
 * it tells what a change costs, and the wall-time benchmark what a user waits. Kernel time is
 * not counted. Skipped, said so, without `valgrind` on the PATH. About 2 minutes on 2 cores.
 */

const packageRoot = fileURLToPath(new URL('../../', import.meta.url))
const jest = runners.find((runner) => runner.name === 'Jest')

interface Counted {
  readonly label: string
  readonly withCleanroom: boolean
  readonly env: Readonly<Record<string, string>>
}

const configurations: readonly Counted[] = [
  { label: 'plain', withCleanroom: false, env: {} },
  { label: "cleanroom defaults (leaks 'fail', globals 'warn')", withCleanroom: true, env: {} },
  {
    label: 'cleanroom, CLEANROOM_GLOBALS=off',
    withCleanroom: true,
    env: { CLEANROOM_GLOBALS: 'off' },
  },
  { label: 'cleanroom, CLEANROOM_TRACE=1', withCleanroom: true, env: { CLEANROOM_TRACE: '1' } },
]

/** Jest's CLI and its arguments, in band. */
function jestArgs(): string[] {
  if (jest === undefined) throw new Error('runner-overhead.ts has no Jest runner')
  return [join(packageRoot, 'node_modules', jest.bin), ...jest.args, '--runInBand']
}

/** Runs once, normally, so that Jest's caches are warm for the counted run. */
function warmUp(dir: string, env: Readonly<Record<string, string>>): void {
  const result = spawnSync(process.execPath, jestArgs(), {
    cwd: dir,
    env: { ...baseEnv(), ...env },
  })
  if (result.status !== 0) throw new Error(`warm-up in ${dir} failed:\n${String(result.stderr)}`)
}

/** The instructions the Jest process executed (its own, not its children's). */
function count(dir: string, env: Readonly<Record<string, string>>): Promise<number> {
  const valgrind = ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null']
  return new Promise((resolve, reject) => {
    const child = spawn('valgrind', [...valgrind, process.execPath, ...jestArgs()], {
      cwd: dir,
      env: { ...baseEnv(), ...env },
    })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.stdout.resume()
    child.on('error', reject)
    child.on('close', (status) => {
      // Valgrind prefixes its lines with the pid of the process it ran: the first one is Jest's.
      const pid = /^==(\d+)== Command: /m.exec(stderr)?.[1]
      const refs = new RegExp(`^==${pid ?? ''}== I\\s+refs:\\s+([\\d,]+)`, 'm').exec(stderr)?.[1]
      if (status !== 0 || refs === undefined || !stderr.includes('2000 passed')) {
        reject(
          new Error(`counted run in ${dir} failed (${String(status)}):\n${stderr.slice(-2000)}`),
        )
      } else {
        resolve(Number(refs.replaceAll(',', '')))
      }
    })
  })
}

export async function runJestInstructions(): Promise<void> {
  console.log(
    '\n## Jest, instructions: the 2,000-test suite in band under cachegrind, plain vs cleanroom\n',
  )
  if (valgrindMissing()) return
  if (jest === undefined) throw new Error('runner-overhead.ts has no Jest runner')
  const started = performance.now()
  const dirs = { plain: createProject(jest, false), installed: createProject(jest, true) }
  const dirOf = (configuration: Counted) =>
    configuration.withCleanroom ? dirs.installed : dirs.plain
  try {
    for (const configuration of configurations) warmUp(dirOf(configuration), configuration.env)
    const counts = await countInPairs(configurations, (each) => count(dirOf(each), each.env))
    const plainCount = counts[0] ?? Number.NaN
    console.log(
      formatTable(
        [
          { title: 'configuration' },
          { title: 'instructions (G)', align: 'right' },
          { title: '× plain', align: 'right' },
        ],
        configurations.map((configuration, index) => [
          configuration.label,
          ((counts[index] ?? Number.NaN) / 1e9).toFixed(3),
          ((counts[index] ?? Number.NaN) / plainCount).toFixed(3),
        ]),
      ),
    )
    console.log(`\nJest instructions: ${((performance.now() - started) / 1000).toFixed(1)} s`)
  } finally {
    rmSync(dirs.plain, { recursive: true, force: true })
    rmSync(dirs.installed, { recursive: true, force: true })
  }
}

if (isMain(import.meta.url)) await runJestInstructions()

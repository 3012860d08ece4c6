import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const packageRoot = fileURLToPath(new URL('../../', import.meta.url))

/** What a runner run produced. */
export interface SuiteRun {
  /** The exit code, or null when the process was killed (see `timedOut`). */
  readonly code: number | null
  /** True when the run did not exit by itself within its time limit and was killed. */
  readonly timedOut: boolean
  readonly stdout: string
  readonly stderr: string
  /** Lines the suite appended to `$ORDER_LOG`, in order. */
  readonly order: readonly string[]
  readonly durationMs: number
}

/** How to run a suite, beyond its command. */
export interface SuiteOptions {
  /** The Node binary that `node` in the command stands for; this one by default. */
  readonly node?: string
  /** The run is killed after this long (30 s by default), and `timedOut` set. */
  readonly timeoutMs?: number
  /** Environment variables added to the run's. */
  readonly env?: Readonly<Record<string, string>>
  /** Other folders of test/contract/suites whose files are copied into the project too. */
  readonly with?: readonly string[]
  /** Packages of this repository's node_modules linked into the project's (a user's installs). */
  readonly link?: readonly string[]
  /** The folder to copy as the project, instead of test/contract/suites/<suite>. */
  readonly source?: URL
}

/**
 * Runs `command` in a fresh project holding the suite `suite` (a folder of test/contract/suites)
 * and `node_modules/cleanroom` linked to this package: the built package, resolved through its
 * `exports` as a user's install would be.
 */
export async function runSuite(
  suite: string,
  command: readonly string[],
  options: SuiteOptions = {},
): Promise<SuiteRun> {
  const project = mkdtempSync(join(tmpdir(), `cleanroom-contract-${suite}-`))
  try {
    const folders = (options.with ?? []).map(
      (folder) => new URL(`suites/${folder}/`, import.meta.url),
    )
    folders.push(options.source ?? new URL(`suites/${suite}/`, import.meta.url))
    for (const folder of folders) cpSync(folder, project, { recursive: true })
    mkdirSync(join(project, 'node_modules'))
    symlinkSync(packageRoot, join(project, 'node_modules', 'cleanroom'), 'dir')
    for (const name of options.link ?? []) {
      symlinkSync(
        join(packageRoot, 'node_modules', name),
        join(project, 'node_modules', name),
        'dir',
      )
    }
    const orderLog = join(project, 'order.log')
    const [program = 'node', ...args] = command
    const started = performance.now()
    const result = await new Promise<Omit<SuiteRun, 'order' | 'durationMs'>>((resolve, reject) => {
      const child = spawn(program === 'node' ? (options.node ?? process.execPath) : program, args, {
        cwd: project,
        env: {
          ...process.env,
          ...options.env,
          ORDER_LOG: orderLog,
          NODE_OPTIONS: '',
          FORCE_COLOR: '0',
          NO_COLOR: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
      let timedOut = false
      const timer = setTimeout(() => {
        timedOut = true
        child.kill('SIGKILL')
      }, options.timeoutMs ?? 30_000)
      child.on('error', reject)
      child.on('close', (code) => {
        clearTimeout(timer)
        resolve({ code, timedOut, stdout, stderr })
      })
    })
    const durationMs = performance.now() - started
    let order: string[] = []
    try {
      order = readFileSync(orderLog, 'utf8').split('\n').filter(Boolean)
    } catch {
      // The suite logged nothing.
    }
    return { ...result, order, durationMs }
  } finally {
    rmSync(project, { recursive: true, force: true })
  }
}

/** A test's result in TAP output. */
export interface TapResult {
  readonly name: string
  readonly ok: boolean
  /** The YAML diagnostic block under the result line, when there is one. */
  readonly details: string
}

/** The results of a TAP stream (node:test's `tap` reporter), nested tests included, in order. */
export function parseTap(output: string): TapResult[] {
  const lines = output.split('\n')
  const results: TapResult[] = []
  for (let index = 0; index < lines.length; index++) {
    const match = /^\s*(not ok|ok) \d+ - (.+?)(?: # .*)?$/.exec(lines[index] ?? '')
    if (match === null) continue
    const details: string[] = []
    if (/^\s*---$/.test(lines[index + 1] ?? '')) {
      for (index += 2; index < lines.length && !/^\s*\.\.\.$/.test(lines[index] ?? ''); index++) {
        details.push(lines[index] ?? '')
      }
    }
    results.push({ name: match[2] ?? '', ok: match[1] === 'ok', details: details.join('\n') })
  }
  return results
}

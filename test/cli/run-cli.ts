import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The built bin: the tests run what the package ships. */
export const cliPath: string = fileURLToPath(new URL('../../dist/cli.mjs', import.meta.url))
export const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/cli/${name}`, import.meta.url))

export interface CliRun {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** Starts `node dist/cli.mjs …args`, its output piped (so stderr is not a terminal). */
export function startCli(args: readonly string[]): ChildProcess {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npx tsdown\` first.`)
  return spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Collects a started CLI's output until it exits; kills it after `timeoutMs`. */
export function finish(child: ChildProcess, timeoutMs = 30_000): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

/** Runs `cleanroom …args` to its end. */
export function runCli(args: readonly string[], timeoutMs?: number): Promise<CliRun> {
  return finish(startCli(args), timeoutMs)
}

/** Whether `pid` has ended: `kill(pid, 0)` fails with ESRCH (or it is a zombie not yet reaped). */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')
  } catch {
    return true
  }
}

/** Polls until every pid has ended, up to `timeoutMs`; returns those still running. */
export async function waitUntilGone(pids: readonly number[], timeoutMs: number): Promise<number[]> {
  const until = Date.now() + timeoutMs
  let running = pids.filter((pid) => !isGone(pid))
  while (running.length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    running = running.filter((pid) => !isGone(pid))
  }
  return running
}

/** Kills what a test may have left, whatever happened to it. */
export function killAll(pids: Iterable<number>): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // Ended already.
    }
  }
}

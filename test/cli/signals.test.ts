import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { RunReport } from '../../src/reporters/run-report.ts'
import { finish, fixture, killAll, startCli, waitUntilGone } from './run-cli.ts'

const dir = mkdtempSync(join(tmpdir(), 'cleanroom-cli-signals-'))
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

interface Tree {
  readonly parent: number
  readonly plain: number
  readonly trapping: number
  readonly escaped: number
}

const pidsOf = (tree: Tree): number[] => [tree.parent, tree.plain, tree.trapping, tree.escaped]

let started: number[] = []
afterEach(() => {
  // Whatever a failed assertion left, nothing outlives the test.
  killAll(started)
  started = []
})

/** Starts `cleanroom run` on the tree fixture; resolves once the tree runs and was sampled. */
async function startTree(
  args: readonly string[],
  treeArgs: readonly string[] = [],
): Promise<{ cli: ChildProcess; tree: Tree; done: ReturnType<typeof finish> }> {
  const cli = startCli([
    'run',
    '--interval',
    '100',
    ...args,
    '--',
    'node',
    fixture('tree.mjs'),
    ...treeArgs,
  ])
  if (cli.pid !== undefined) started.push(cli.pid)
  const done = finish(cli)
  const tree = await new Promise<Tree>((resolve, reject) => {
    let text = ''
    cli.stdout?.on('data', (chunk: string) => {
      text += chunk
      const line = text.split('\n').find((l) => l.startsWith('{'))
      if (line !== undefined) resolve(JSON.parse(line) as Tree)
    })
    void done.then((run) => {
      reject(new Error(`cleanroom run ended first: ${run.stderr}`))
    })
  })
  started.push(...pidsOf(tree))
  // A few samples, so the walk has seen the child that left the process group.
  await new Promise((resolve) => setTimeout(resolve, 500))
  return { cli, tree, done }
}

describe('cleanroom run: signals', () => {
  it('forwards SIGTERM to the whole tree: children, and a child in a session of its own', async () => {
    const json = join(dir, 'term.json')
    const { cli, tree, done } = await startTree(['--grace', '20000', '--json', json])
    cli.kill('SIGTERM')
    const run = await done
    expect(run.code).toBe(143)
    expect(run.stderr).toMatch(
      /`node \S+tree\.mjs` was ended by SIGTERM after \d+\.\d s\n {2}SIGTERM forwarded to its process tree\n/,
    )
    expect(await waitUntilGone(pidsOf(tree), 2000)).toEqual([])
    const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport
    expect(report.exit).toEqual({
      code: null,
      signal: 'SIGTERM',
      forwarded: 'SIGTERM',
      killed: false,
      exitCode: 143,
    })
    expect(report.memory.peakProcesses).toBe(4)
  })

  it('kills with SIGKILL, after the grace period, a grandchild that traps SIGTERM', async () => {
    const json = join(dir, 'trap.json')
    const { cli, tree, done } = await startTree(['--grace', '1000', '--json', json], ['--trap'])
    cli.kill('SIGTERM')
    const run = await done
    expect(run.code).toBe(143)
    expect(run.stderr).toMatch(
      /SIGTERM forwarded to its process tree; what was still running after the grace period was killed with SIGKILL/,
    )
    expect(run.stderr).toMatch(new RegExp(`it left 1 process running \\(pid ${tree.trapping}\\)`))
    expect(await waitUntilGone(pidsOf(tree), 2000)).toEqual([])
    const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport
    expect(report.exit).toMatchObject({ forwarded: 'SIGTERM', killed: true })
  })

  it('forwards Ctrl-C (SIGINT) and exits with 128 + 2', async () => {
    const { cli, tree, done } = await startTree(['--grace', '20000'])
    cli.kill('SIGINT')
    const run = await done
    expect(run.code).toBe(130)
    expect(await waitUntilGone(pidsOf(tree), 2000)).toEqual([])
  })
})

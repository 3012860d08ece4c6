import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, rmSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { createTreeSampler, listProcessGroup } from '../../src/cli/process-tree.ts'
import { createPsSampler } from '../../src/cli/ps-tree.ts'
import { buildChildEnv } from '../../src/cli/run.ts'
import { killAll, waitUntilGone } from './run-cli.ts'

let pids: number[] = []
afterEach(async () => {
  killAll(pids)
  await waitUntilGone(pids, 2000)
  pids = []
})

/** A node process that starts `children` idle children, prints their pids, and idles. */
async function startParent(
  children: number,
  exitAfterMs?: number,
): Promise<{ parent: ChildProcess; children: number[] }> {
  const code = `
    const { spawn } = require('node:child_process')
    const pids = []
    for (let i = 0; i < ${children}; i++) pids.push(spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }).pid)
    console.log(JSON.stringify(pids))
    ${exitAfterMs === undefined ? 'setInterval(() => {}, 1000)' : `setTimeout(() => process.exit(0), ${exitAfterMs})`}`
  const parent = spawn(process.execPath, ['-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  })
  if (parent.pid !== undefined) pids.push(parent.pid)
  const [chunk] = (await once(parent.stdout, 'data')) as [Buffer]
  const childPids = JSON.parse(chunk.toString()) as number[]
  pids.push(...childPids)
  parent.stdout.destroy()
  return { parent, children: childPids }
}

describe.runIf(process.platform === 'linux')('the /proc sampler', () => {
  it('counts the root and every descendant, and sums their resident memory', async () => {
    const { parent, children } = await startParent(3)
    const sample = createTreeSampler(parent.pid ?? 0).sample()
    expect([...sample.pids].sort()).toEqual([parent.pid, ...children].sort())
    // Four node processes: tens of MB each.
    expect(sample.rssBytes).toBeGreaterThan(4 * 10e6)
    expect(listProcessGroup(parent.pid ?? 0).sort()).toEqual([parent.pid, ...children].sort())
  })

  it('keeps counting a process re-parented away after its parent exited', async () => {
    const { parent, children } = await startParent(2, 300)
    const sampler = createTreeSampler(parent.pid ?? 0)
    expect(sampler.sample().pids).toHaveLength(3)
    await once(parent, 'exit')
    expect([...sampler.sample().pids].sort()).toEqual([...children].sort())
  })

  it('counts what ps counts, the fallback of other platforms', async () => {
    const { parent, children } = await startParent(2)
    const tree = createTreeSampler(parent.pid ?? 0)
    const ps = createPsSampler(parent.pid ?? 0)
    expect(ps.method).toBe('ps')
    const before = tree.sample()
    const sample = ps.sample()
    const after = tree.sample()
    expect([...sample.pids].sort()).toEqual([parent.pid, ...children].sort())
    // Both read the kernel's RSS, which moves while the processes settle (more so on a busy
    // machine): ps's reading lies between /proc's readings just before and just after it,
    // give or take 20 MB.
    expect(sample.rssBytes).toBeGreaterThan(Math.min(before.rssBytes, after.rssBytes) - 20e6)
    expect(sample.rssBytes).toBeLessThan(Math.max(before.rssBytes, after.rssBytes) + 20e6)
  })

  it('counts nothing once the tree has ended', () => {
    expect(createTreeSampler(2 ** 22 + 1).sample()).toEqual({ rssBytes: 0, pids: [] })
  })
})

describe('buildChildEnv', () => {
  it('passes the environment as it is without a report directory', () => {
    const env = { PATH: '/bin' }
    expect(buildChildEnv(env, undefined)).toBe(env)
  })

  it('creates the report directory and passes it, absolute, as CLEANROOM_REPORT', () => {
    const dir = `cleanroom-report-test-${process.pid}`
    try {
      const env = buildChildEnv({ PATH: '/bin' }, dir)
      expect(env).toEqual({ PATH: '/bin', CLEANROOM_REPORT: `${process.cwd()}/${dir}` })
      expect(existsSync(dir)).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

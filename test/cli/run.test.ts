import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { RunReport } from '../../src/reporters/run-report.ts'
import { fixture, isGone, killAll, runCli } from './run-cli.ts'

const dir = mkdtempSync(join(tmpdir(), 'cleanroom-cli-'))
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})
const readReport = (file: string): RunReport => JSON.parse(readFileSync(file, 'utf8')) as RunReport

describe('cleanroom run: the command line', () => {
  it.each([
    [
      ['run', '--foo', '--', 'node'],
      /^cleanroom: Unknown option `--foo` for cleanroom run\. Its options are --interval, --max-growth, --warm-up, --json, --report, --html, --grace, --help; put the test command and its own options after `--`\.\nSee cleanroom run --help\.\n$/,
    ],
    [
      ['run', '--max-growth', '10XB', '--', 'node'],
      /Expected --max-growth to be a size such as 100MB, 100 MB, 512KiB or 1048576 \(bytes\), got `10XB`\./,
    ],
    [
      ['run', '--interval', 'fast', '--', 'node'],
      /Expected --interval to be a duration from 10 ms to 1 hour, such as 250, 250ms or 1s, got `fast`\./,
    ],
    [['run', '--interval', '5', '--', 'node'], /got `5`/],
    [
      ['run', '--json', '--', 'node'],
      /--json needs a value: write --json <file> \(or --json=<file>\)/,
    ],
    [
      ['run', 'npm', 'test'],
      /Put `--` before the test command: cleanroom run \[options\] -- npm test/,
    ],
    [['run'], /No command to run\. Put the test command after `--`/],
    [['run', '--'], /No command after `--`/],
    [
      ['run', '--html', join(dir, 'missing', 'r.html'), '--', 'node'],
      /--html: the directory .*missing does not exist\. Create it first\./,
    ],
    [
      ['run', '--json', join(dir, 'missing', 'r.json'), '--', 'node'],
      /--json: the directory .*missing does not exist\. Create it first\./,
    ],
    [['frobnicate'], /^cleanroom: Unknown command `frobnicate`\. The commands are: run, report\./],
  ])('refuses %j with exit code 2 and says why', async (args, message) => {
    const run = await runCli(args)
    expect(run.stderr).toMatch(message)
    expect(run.code).toBe(2)
  })

  it('prints its usage and its version', async () => {
    const help = await runCli(['run', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: cleanroom run \[options\] -- <command…>/)
    const version = await runCli(['--version'])
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
    expect(version.stdout).toBe(`${manifest.version}\n`)
  })

  it('exits with 127 when the command cannot be started', async () => {
    const run = await runCli(['run', '--', 'cleanroom-no-such-command'])
    expect(run.stderr).toMatch(
      /cannot start `cleanroom-no-such-command`: spawn cleanroom-no-such-command ENOENT\. Check that it is installed and on PATH\./,
    )
    expect(run.code).toBe(127)
  })
})

describe('cleanroom run: memory', () => {
  it('reports the growth of a command that allocates steadily, and fails --max-growth 5MB', async () => {
    const json = join(dir, 'grow.json')
    const run = await runCli([
      'run',
      '--interval',
      '100',
      '--max-growth',
      '5MB',
      '--json',
      json,
      '--',
      'node',
      fixture('grow.mjs'),
    ])
    // The command's own stdout reaches ours.
    expect(run.stdout).toMatch(/^kept \d+ buffers\n$/)
    expect(run.stderr).toMatch(
      /growth: \+\d+\.\d MB\/min \(\+\d+\.\d MB fitted over \d+\.\d s, after \d\.\d s of warm-up\), limit 5\.0 MB: EXCEEDED/,
    )
    expect(run.stderr).toMatch(
      /cleanroom run: memory grew \d+\.\d MB over the run, more than --max-growth 5\.0 MB\. .* raise --max-growth if this growth is expected/,
    )
    expect(run.code).toBe(1)
    const report = readReport(json)
    expect(report.schema).toBe('cleanroom-run/1')
    expect(report.exit).toMatchObject({ code: 0, signal: null, exitCode: 1 })
    // About 20 MB/s for 3 s; generous bounds for a loaded machine.
    expect(report.memory.growth?.bytesPerSecond).toBeGreaterThan(5e6)
    expect(report.memory.growth?.fittedBytes).toBeGreaterThan(20e6)
    expect(report.memory.exceeded).toBe(true)
    expect(report.memory.peakBytes).toBeGreaterThan(report.memory.startBytes + 20e6)
    expect(report.samples.length).toBeGreaterThan(10)
  })

  it('reports no significant growth for a command that allocates nothing, and passes --max-growth 20MB', async () => {
    const json = join(dir, 'flat.json')
    const run = await runCli([
      'run',
      '--interval',
      '100',
      '--max-growth',
      '20 MB',
      '--json',
      json,
      '--',
      'node',
      fixture('flat.mjs'),
    ])
    expect(run.stderr).toMatch(
      /limit 20\.0 MB: ok\n {2}\(a run under 30 s measures mostly start-up: --warm-up <ms> leaves more of it out\)\n$/,
    )
    expect(run.code).toBe(0)
    const report = readReport(json)
    expect(Math.abs(report.memory.growth?.fittedBytes ?? Infinity)).toBeLessThan(10e6)
    expect(report.memory.exceeded).toBe(false)
    expect(report.memory.peakBytes).toBeGreaterThan(10e6)
  })
})

describe('cleanroom run: exit codes', () => {
  it.each([
    ['exits 0', ['node', '-e', 'process.exit(0)'], 0],
    ['exits 3', ['node', '-e', 'process.exit(3)'], 3],
    ['is killed by SIGTERM', ['node', '-e', "process.kill(process.pid, 'SIGTERM')"], 143],
    ['is killed by SIGKILL', ['node', '-e', "process.kill(process.pid, 'SIGKILL')"], 137],
  ])('passes on the exit code of a command that %s', async (_, command, code) => {
    const run = await runCli(['run', '--', ...command])
    expect(run.code).toBe(code)
  })

  it('ends a process the command left running when it exited, and says so', async () => {
    const run = await runCli([
      'run',
      '--interval',
      '100',
      '--grace',
      '2000',
      '--',
      'node',
      fixture('leave-child.mjs'),
    ])
    const { child } = JSON.parse(run.stdout) as { child: number }
    try {
      expect(run.stderr).toMatch(
        new RegExp(`it left 1 process running \\(pid ${child}\\): they were ended`),
      )
      expect(run.code).toBe(0)
      expect(isGone(child)).toBe(true)
    } finally {
      killAll([child])
    }
  })
})

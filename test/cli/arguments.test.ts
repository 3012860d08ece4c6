import { describe, expect, it } from 'vitest'
import { parseRunArgs } from '../../src/cli/parse-run-args.ts'
import { parseSize } from '../../src/cli/size.ts'
import { UsageError } from '../../src/cli/usage-error.ts'

describe('parseSize', () => {
  it.each([
    ['100MB', 100_000_000],
    ['100 MB', 100_000_000],
    ['100mb', 100_000_000],
    ['1.5GB', 1_500_000_000],
    ['512KiB', 524_288],
    ['2 MiB', 2_097_152],
    ['1GiB', 1_073_741_824],
    ['10kB', 10_000],
    ['1048576', 1_048_576],
    ['1048576B', 1_048_576],
    ['0', 0],
  ])('reads %j as %d bytes (MB powers of 1000, MiB powers of 1024)', (text, bytes) => {
    expect(parseSize(text, '--max-growth')).toBe(bytes)
  })

  it.each(['10XB', '', 'MB', '-5MB', '10 M', '1e6', '5 MB MB'])(
    'refuses %j, naming the flag',
    (text) => {
      let error: unknown
      try {
        parseSize(text, '--max-growth')
      } catch (caught) {
        error = caught
      }
      expect(error).toBeInstanceOf(UsageError)
      expect(error).toMatchObject({
        code: 'ERR_CLEANROOM_USAGE',
        message: `Expected --max-growth to be a size such as 100MB, 100 MB, 512KiB or 1048576 (bytes), got \`${text}\`. Units: B, KB, MB, GB, TB (powers of 1000) and KiB, MiB, GiB, TiB (powers of 1024).`,
      })
    },
  )
})

describe('parseRunArgs', () => {
  it('reads the options and takes everything after `--` as the command, its flags included', () => {
    expect(
      parseRunArgs([
        '--interval',
        '1s',
        '--max-growth=100MB',
        '--json',
        'm.json',
        '--grace',
        '250ms',
        '--warm-up',
        '30s',
        '--',
        'npx',
        'vitest',
        '--interval',
        '5',
      ]),
    ).toEqual({
      command: ['npx', 'vitest', '--interval', '5'],
      intervalMs: 1000,
      maxGrowthBytes: 100_000_000,
      warmUpMs: 30_000,
      jsonFile: 'm.json',
      graceMs: 250,
      reportDir: undefined,
      htmlFile: undefined,
    })
  })

  it('defaults to a 250 ms interval, a 5 s grace, and no limit', () => {
    expect(parseRunArgs(['--', 'npm', 'test'])).toEqual({
      command: ['npm', 'test'],
      intervalMs: 250,
      maxGrowthBytes: undefined,
      warmUpMs: undefined,
      jsonFile: undefined,
      graceMs: 5000,
      reportDir: undefined,
      htmlFile: undefined,
    })
  })

  it('reads --report and --html', () => {
    expect(
      parseRunArgs(['--report', 'records', '--html=r.html', '--', 'npm', 'test']),
    ).toMatchObject({ reportDir: 'records', htmlFile: 'r.html' })
  })

  it('returns a help request for -h and --help', () => {
    expect(parseRunArgs(['-h'])).toEqual({ help: true })
    expect(parseRunArgs(['--help', '--', 'x'])).toEqual({ help: true })
  })

  it.each([
    [
      ['--interval', '9', '--', 'x'],
      'Expected --interval to be a duration from 10 ms to 1 hour, such as 250, 250ms or 1s, got `9`.',
    ],
    [
      ['--interval', '2h', '--', 'x'],
      'Expected --interval to be a duration from 10 ms to 1 hour, such as 250, 250ms or 1s, got `2h`.',
    ],
    [
      ['--grace', '-1', '--', 'x'],
      '--grace needs a value: write --grace <ms> (or --grace=<ms>) before the `--` that starts the test command.',
    ],
    [['--json=', '--', 'x'], 'Expected --json to name a file, got an empty string.'],
    [['--html=', '--', 'x'], 'Expected --html to name a file, got an empty string.'],
    [['--report=', '--', 'x'], 'Expected --report to name a directory, got an empty string.'],
    [['--help=yes'], "Option '-h, --help' does not take an argument"],
    [
      ['-x', '--', 'y'],
      'Unknown option `-x` for cleanroom run. Its options are --interval, --max-growth, --warm-up, --json, --report, --html, --grace, --help; put the test command and its own options after `--`.',
    ],
    [
      ['--', ''],
      'No command after `--`. Put the test command there: cleanroom run [options] -- npx vitest run',
    ],
  ])('refuses %j: %s', (args, message) => {
    expect(() => parseRunArgs(args)).toThrow(
      expect.objectContaining({ name: 'UsageError', code: 'ERR_CLEANROOM_USAGE', message }),
    )
  })
})

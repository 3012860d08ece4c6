import { describe, expect, it } from 'vitest'
// Internal: how installCleanroom() reads the memory option and CLEANROOM_MEMORY.
import { resolveSettings, validateOptions } from '../../src/runtime/options.ts'

const call = 'installCleanroom'

describe('the memory option', () => {
  it('is off by default, and with false', () => {
    expect(resolveSettings(validateOptions({}, call), {}).memory).toBeUndefined()
    expect(resolveSettings(validateOptions({ memory: false }, call), {}).memory).toBeUndefined()
  })

  it('takes defaults from {}: every test, warn above 10 MB, no failure, the trend on', () => {
    expect(resolveSettings(validateOptions({ memory: {} }, call), {}).memory).toEqual({
      every: 1,
      warnAbove: 10e6,
      failAbove: undefined,
      trend: true,
    })
  })

  it.each([
    ['10 MB', 10e6],
    ['10MB', 10e6],
    ['1.5 mb', 1.5e6],
    ['512 KiB', 512 * 1024],
    ['1 MiB', 2 ** 20],
    ['250KB', 250e3],
    [4096, 4096],
  ])('reads the size %j as %d bytes', (size, bytes) => {
    const memory = resolveSettings(
      validateOptions({ memory: { warnAbove: size, failAbove: size } }, call),
      {},
    ).memory
    expect(memory?.warnAbove).toBe(bytes)
    expect(memory?.failAbove).toBe(bytes)
  })

  it.each([
    [
      { memory: true },
      "installCleanroom: expected `memory` to be false or an object such as { warnAbove: '10 MB' } ({} for the defaults), got true",
    ],
    [
      { memory: 'on' },
      'installCleanroom: expected `memory` to be false or an object such as { warnAbove: \'10 MB\' } ({} for the defaults), got "on"',
    ],
    [
      { memory: { every: 0 } },
      'installCleanroom: expected `memory.every` to be a positive integer, got 0',
    ],
    [
      { memory: { every: 2.5 } },
      'installCleanroom: expected `memory.every` to be a positive integer, got 2.5',
    ],
    [
      { memory: { warnAbove: '10 parsecs' } },
      "installCleanroom: expected `memory.warnAbove` to be a positive number of bytes or a size such as '10 MB' or '512 KiB', got \"10 parsecs\". Units: B, KB, MB, GB, TB (powers of 1000) and KiB, MiB, GiB, TiB (powers of 1024).",
    ],
    [
      { memory: { failAbove: -1 } },
      "installCleanroom: expected `memory.failAbove` to be a positive number of bytes or a size such as '10 MB' or '512 KiB', got -1.",
    ],
    [
      { memory: { failAbove: 0 } },
      'installCleanroom: expected `memory.failAbove` to be a positive number of bytes',
    ],
    [
      { memory: { trend: 'yes' } },
      'installCleanroom: expected `memory.trend` to be a boolean, got "yes"',
    ],
    [
      { memory: { warnabove: '1 MB' } },
      'installCleanroom: unknown option `warnabove`. Known options: `every`, `warnAbove`, `failAbove`, `trend`',
    ],
  ])('refuses %j with a TypeError naming the option', (options, message) => {
    expect(() => validateOptions(options, call)).toThrow(TypeError)
    expect(() => validateOptions(options, call)).toThrow(message)
  })
})

describe('CLEANROOM_MEMORY', () => {
  it.each(['1', 'true'])('=%s turns the checks on with the defaults', (value) => {
    expect(resolveSettings({}, { CLEANROOM_MEMORY: value }).memory).toEqual({
      every: 1,
      warnAbove: 10e6,
      failAbove: undefined,
      trend: true,
    })
  })

  it('=1 keeps the options given', () => {
    expect(
      resolveSettings({ memory: { every: 10, failAbove: '50 MB' } }, { CLEANROOM_MEMORY: '1' })
        .memory,
    ).toEqual({ every: 10, warnAbove: 10e6, failAbove: 50e6, trend: true })
  })

  it.each(['0', 'false'])('=%s turns them off over the option', (value) => {
    expect(resolveSettings({ memory: {} }, { CLEANROOM_MEMORY: value }).memory).toBeUndefined()
  })

  it('empty is unset', () => {
    expect(resolveSettings({ memory: {} }, { CLEANROOM_MEMORY: '' }).memory).toBeDefined()
    expect(resolveSettings({}, { CLEANROOM_MEMORY: '' }).memory).toBeUndefined()
  })

  it('refuses another value with a TypeError naming the variable', () => {
    expect(() => resolveSettings({}, { CLEANROOM_MEMORY: 'yes' })).toThrow(TypeError)
    expect(() => resolveSettings({}, { CLEANROOM_MEMORY: 'yes' })).toThrow(
      'CLEANROOM_MEMORY: expected 1 or 0 (or true or false), got "yes"',
    )
  })
})

describe('installing twice', () => {
  it('accepts the same memory options, and refuses others', async () => {
    const { installRuntime } = await import('../../src/runtime/install.ts')
    const { installed } = await import('../../src/runtime/runtime.ts')
    try {
      installRuntime({ memory: { warnAbove: '5 MB', every: 2 } }, call, 'hooks')
      expect(
        installRuntime({ memory: { every: 2, warnAbove: '5 MB' } }, call, 'hooks').created,
      ).toBe(false)
      expect(() =>
        installRuntime({ memory: { warnAbove: '6 MB', every: 2 } }, call, 'hooks'),
      ).toThrow(
        'installCleanroom: cleanroom is already installed in this process with other options.',
      )
      expect(() => installRuntime({}, call, 'hooks')).toThrow('already installed')
    } finally {
      installed.runtime = undefined
    }
    installRuntime({ memory: false }, call, 'hooks')
    try {
      expect(installRuntime({}, call, 'hooks').created).toBe(false)
    } finally {
      installed.runtime = undefined
    }
  })
})

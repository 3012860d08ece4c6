import { describe, expect, it } from 'vitest'
// Internal: options and environment, as installCleanroom() reads them.
import { resolveSettings, validateOptions } from '../../src/runtime/options.ts'

const call = 'installCleanroom'

describe('the leaks option', () => {
  it('takes a mode, or the options in full', () => {
    expect(resolveSettings(validateOptions({}, call), {}).leaks).toEqual({
      mode: 'fail',
      trace: false,
      grace: 100,
      ignore: [],
      forceClose: true,
    })
    const ignore = [/keep-alive/]
    const options = validateOptions(
      { leaks: { mode: 'warn', trace: true, grace: 0, ignore, forceClose: false } },
      call,
    )
    expect(resolveSettings(options, {}).leaks).toEqual({
      mode: 'warn',
      trace: true,
      grace: 0,
      ignore,
      forceClose: false,
    })
  })

  it.each([
    [{ leaks: 'loud' }, "expected `leaks` to be one of 'fail', 'warn', 'off', got \"loud\""],
    [{ leaks: ['fail'] }, 'expected `leaks` to be an object, got an array'],
    [{ leaks: {} }, "expected `leaks.mode` to be one of 'fail', 'warn', 'off', got undefined"],
    [{ leaks: { mode: 'fail', tarce: true } }, 'unknown option `tarce`'],
    [
      { leaks: { mode: 'fail', trace: 'yes' } },
      'expected `leaks.trace` to be a boolean, got "yes"',
    ],
    [{ leaks: { mode: 'fail', grace: -1 } }, 'expected `leaks.grace` to be a finite number'],
    [{ leaks: { mode: 'fail', grace: Infinity } }, 'expected `leaks.grace` to be a finite number'],
    [
      { leaks: { mode: 'fail', ignore: 'fetch' } },
      'expected `leaks.ignore` to be an array, got "fetch"',
    ],
    [
      { leaks: { mode: 'fail', ignore: ['ok', 42] } },
      'expected `leaks.ignore[1]` to be a string, a RegExp or a function, got 42',
    ],
  ])('refuses %j at install', (options, message) => {
    expect(() => validateOptions(options, call)).toThrow(TypeError)
    expect(() => validateOptions(options, call)).toThrow(`${call}: ${message}`)
  })
})

describe('CLEANROOM_* environment overrides', () => {
  const options = validateOptions({ leaks: { mode: 'warn', trace: false } }, call)

  it('CLEANROOM_LEAKS sets the mode and CLEANROOM_TRACE turns trace on or off, over the options', () => {
    expect(resolveSettings(options, { CLEANROOM_LEAKS: 'off' }).leaks.mode).toBe('off')
    expect(resolveSettings(options, { CLEANROOM_LEAKS: 'fail' }).leaks.mode).toBe('fail')
    expect(resolveSettings(options, { CLEANROOM_TRACE: '1' }).leaks.trace).toBe(true)
    expect(resolveSettings(options, { CLEANROOM_TRACE: 'true' }).leaks.trace).toBe(true)
    const traced = validateOptions({ leaks: { mode: 'fail', trace: true } }, call)
    expect(resolveSettings(traced, { CLEANROOM_TRACE: '0' }).leaks.trace).toBe(false)
    expect(resolveSettings(traced, { CLEANROOM_TRACE: '' }).leaks.trace).toBe(true)
    expect(resolveSettings(options, { CLEANROOM_LEAKS: '' }).leaks.mode).toBe('warn')
  })

  it('refuses a value it cannot mean, naming the variable', () => {
    expect(() => resolveSettings(options, { CLEANROOM_LEAKS: 'strict' })).toThrow(
      'CLEANROOM_LEAKS: expected fail, warn or off, got "strict"',
    )
    expect(() => resolveSettings(options, { CLEANROOM_TRACE: 'yes' })).toThrow(
      'CLEANROOM_TRACE: expected 1 or 0 (or true or false), got "yes"',
    )
  })

  it('refuses a CLEANROOM_MEMORY it cannot read', () => {
    expect(() => resolveSettings(options, { CLEANROOM_MEMORY: 'lots' })).toThrow(
      'CLEANROOM_MEMORY: expected 1 or 0',
    )
    expect(resolveSettings(options, { CLEANROOM_MEMORY: '0' }).leaks.mode).toBe('warn')
  })
})

describe('the report option', () => {
  it('is off by default; CLEANROOM_REPORT turns it on, and over the option, set empty, off', () => {
    expect(resolveSettings(validateOptions({}, call), {}).report).toBeUndefined()
    expect(resolveSettings({}, { CLEANROOM_REPORT: 'reports/' }).report).toBe('reports/')
    const options = validateOptions({ report: 'records' }, call)
    expect(resolveSettings(options, {}).report).toBe('records')
    expect(resolveSettings(options, { CLEANROOM_REPORT: 'other' }).report).toBe('other')
    expect(resolveSettings(options, { CLEANROOM_REPORT: '' }).report).toBeUndefined()
  })

  it.each([
    [{ report: '' }, '""'],
    [{ report: 42 }, '42'],
    [{ report: true }, 'true'],
  ])('refuses %o at install, with a TypeError naming the option', (options, got) => {
    expect(() => validateOptions(options, call)).toThrow(
      new TypeError(
        `installCleanroom: expected \`report\` to be a non-empty string (the directory for the per-test records), got ${got}`,
      ),
    )
  })
})

import type { LeakInfo } from '../core/leak-info.ts'
import {
  assertKnownKeys,
  assertOptionalOneOf,
  assertPlainObject,
  describeValue,
} from '../core/validate.ts'

/** What a leak does: fail the test that leaked, print a warning, or nothing (no detection). */
export type LeakMode = 'fail' | 'warn' | 'off'

/**
 * A leak that is not one: a string (matched against the leak's kind, or found in its
 * description or creation site), a RegExp (tested against `description created`), or a
 * predicate.
 */
export type LeakIgnore = string | RegExp | ((leak: LeakInfo) => boolean)

/** Leak detection, in full: the `leaks` option of `installCleanroom()`. */
export interface LeakOptions {
  /** What a leak does. */
  mode: LeakMode
  /**
   * Creation sites for every kind, timers included, through an async hook (costs more; the
   * `CLEANROOM_TRACE=1` environment variable turns it on too). Default false.
   */
  trace?: boolean
  /** How long, in ms, to wait for resources that are closing before calling them leaks. Default 100. */
  grace?: number
  /** Leaks that are not: known lingerers of your own stack. */
  ignore?: readonly LeakIgnore[]
  /** Close what leaked, when cleanroom can reach it, so a leak cannot hang the run. Default true. */
  forceClose?: boolean
}

/** Leak detection's settings, after defaults and environment overrides. */
export interface ResolvedLeakOptions {
  readonly mode: LeakMode
  readonly trace: boolean
  readonly grace: number
  readonly ignore: readonly LeakIgnore[]
  readonly forceClose: boolean
}

const modes = ['fail', 'warn', 'off'] as const
const leakKeys = ['mode', 'trace', 'grace', 'ignore', 'forceClose'] as const

/** Checks the `leaks` option: a `TypeError` naming what is wrong, at install. */
export function validateLeakOptions(value: unknown, call: string): void {
  if (value === undefined || typeof value === 'string') {
    assertOptionalOneOf(value, modes, call, 'leaks')
    return
  }
  assertPlainObject(value, call, 'leaks')
  assertKnownKeys(value, leakKeys, call)
  const o = value as Partial<LeakOptions>
  if (o.mode === undefined) {
    throw new TypeError(
      `${call}: expected \`leaks.mode\` to be one of 'fail', 'warn', 'off', got undefined`,
    )
  }
  assertOptionalOneOf(o.mode, modes, call, 'leaks.mode')
  for (const key of ['trace', 'forceClose'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') {
      throw new TypeError(
        `${call}: expected \`leaks.${key}\` to be a boolean, got ${describeValue(o[key])}`,
      )
    }
  }
  if (
    o.grace !== undefined &&
    (typeof o.grace !== 'number' || !(o.grace >= 0) || o.grace === Infinity)
  ) {
    throw new TypeError(
      `${call}: expected \`leaks.grace\` to be a finite number of milliseconds (0 or more), got ${describeValue(o.grace)}`,
    )
  }
  if (o.ignore !== undefined) {
    if (!Array.isArray(o.ignore)) {
      throw new TypeError(
        `${call}: expected \`leaks.ignore\` to be an array, got ${describeValue(o.ignore)}`,
      )
    }
    o.ignore.forEach((rule: unknown, index) => {
      if (typeof rule !== 'string' && typeof rule !== 'function' && !(rule instanceof RegExp)) {
        throw new TypeError(
          `${call}: expected \`leaks.ignore[${String(index)}]\` to be a string, a RegExp or a function, got ${describeValue(rule)}`,
        )
      }
    })
  }
}

/** Environment variables that override the options, as the process has them. */
export type Environment = Readonly<Record<string, string | undefined>>

/**
 * The settings leak detection runs with: the option (already validated), then the
 * `CLEANROOM_LEAKS` and `CLEANROOM_TRACE` environment variables over it.
 * @throws {TypeError} when an environment variable has a value it cannot mean
 */
export function resolveLeakOptions(
  value: LeakMode | LeakOptions | undefined,
  env: Environment,
): ResolvedLeakOptions {
  const o: LeakOptions = typeof value === 'object' ? value : { mode: value ?? 'fail' }
  // Empty is unset, as for CLEANROOM_TRACE.
  const envMode = env.CLEANROOM_LEAKS === '' ? undefined : env.CLEANROOM_LEAKS
  if (envMode !== undefined && !(modes as readonly string[]).includes(envMode)) {
    throw new TypeError(
      `CLEANROOM_LEAKS: expected fail, warn or off, got ${JSON.stringify(envMode)}. Unset it or give one of those.`,
    )
  }
  return {
    mode: (envMode as LeakMode | undefined) ?? o.mode,
    trace: envFlag(env, 'CLEANROOM_TRACE') ?? o.trace ?? false,
    grace: o.grace ?? 100,
    ignore: o.ignore ?? [],
    forceClose: o.forceClose ?? true,
  }
}

/** A yes/no environment variable: `1`/`true` or `0`/`false`; unset or empty: undefined. */
export function envFlag(env: Environment, name: string): boolean | undefined {
  const value = env[name]
  if (value === undefined || value === '') return undefined
  if (value === '1' || value === 'true') return true
  if (value === '0' || value === 'false') return false
  throw new TypeError(`${name}: expected 1 or 0 (or true or false), got ${JSON.stringify(value)}`)
}

/** Whether `rule` says `leak` is not a leak. */
export function isIgnored(leak: LeakInfo, rules: readonly LeakIgnore[]): boolean {
  const text = `${leak.description} ${leak.created ?? ''}`
  return rules.some((rule) => {
    if (typeof rule === 'string') return rule === leak.kind || text.includes(rule)
    if (rule instanceof RegExp) return rule.test(text)
    return rule(leak)
  })
}

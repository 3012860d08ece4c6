import { formatMegabytes, parseSizeText, sizeHint } from '../core/size.ts'
import {
  assertKnownKeys,
  assertOptionalPositiveInteger,
  assertPlainObject,
  describeValue,
} from '../core/validate.ts'

/**
 * A size in bytes: a number, or a string such as `'10 MB'`, `'10MB'` or `'512 KiB'` (`MB` is
 * 1,000,000 bytes, `MiB` 1,048,576).
 */
export type MemorySize = number | string

/** Per-test memory checks: the `memory` option of `installCleanroom()`. */
export interface MemoryOptions {
  /**
   * Check every n-th test of a file (the 1st, the n+1-th, …) rather than every test, to pay
   * the forced collections on fewer tests. Default 1.
   */
  every?: number
  /** Print a warning for a test whose heap grew by more than this. Default `'10 MB'`. */
  warnAbove?: MemorySize
  /**
   * Fail a test whose heap grew by more than this (with a `MemoryGrowthError`), and a file
   * whose trend, over its tests, adds up to more than this. Default: no test fails.
   */
  failAbove?: MemorySize
  /**
   * Fit a line through the heap after each checked test of a file, and report a file whose
   * heap grows steadily (at least 100 KB a test, over at least 8 checked tests) even when no
   * single test is above `warnAbove`. Default true.
   */
  trend?: boolean
}

/** The memory checks' settings, after defaults and the environment. */
export interface ResolvedMemoryOptions {
  readonly every: number
  /** Bytes. */
  readonly warnAbove: number
  /** Bytes, or undefined: no test fails. */
  readonly failAbove: number | undefined
  readonly trend: boolean
}

const keys = ['every', 'warnAbove', 'failAbove', 'trend'] as const
const defaultWarnAbove = 10e6

/** Checks the `memory` option: a `TypeError` naming what is wrong, at install. */
export function validateMemoryOptions(value: unknown, call: string): void {
  if (value === undefined || value === false) return
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(
      `${call}: expected \`memory\` to be false or an object such as { warnAbove: '10 MB' } ({} for the defaults), got ${describeValue(value)}`,
    )
  }
  assertPlainObject(value, call, 'memory')
  assertKnownKeys(value, keys, call)
  const o = value as Partial<Record<(typeof keys)[number], unknown>>
  assertOptionalPositiveInteger(o.every, call, 'memory.every')
  sizeOf(o.warnAbove, call, 'memory.warnAbove')
  sizeOf(o.failAbove, call, 'memory.failAbove')
  if (o.trend !== undefined && typeof o.trend !== 'boolean') {
    throw new TypeError(
      `${call}: expected \`memory.trend\` to be a boolean, got ${describeValue(o.trend)}`,
    )
  }
}

/** A validated size in bytes; `undefined` stays undefined. */
function sizeOf(value: unknown, call: string, what: string): number | undefined {
  if (value === undefined) return undefined
  const bytes =
    typeof value === 'number' ? value : typeof value === 'string' ? parseSizeText(value) : undefined
  if (bytes === undefined || !Number.isFinite(bytes) || bytes <= 0) {
    throw new TypeError(
      `${call}: expected \`${what}\` to be a positive number of bytes or a size such as '10 MB' or '512 KiB', got ${describeValue(value)}. ${sizeHint}`,
    )
  }
  return bytes
}

/**
 * The settings the memory checks run with, or `undefined` when they are off: the option
 * (already validated), then `CLEANROOM_MEMORY` over it (`enabled`: true turns the checks on
 * with the option's settings or the defaults, false turns them off, undefined leaves the
 * option alone).
 */
export function resolveMemoryOptions(
  value: false | MemoryOptions | undefined,
  enabled: boolean | undefined,
): ResolvedMemoryOptions | undefined {
  if (enabled === false) return undefined
  const o: MemoryOptions | undefined =
    typeof value === 'object' ? value : enabled === true ? {} : undefined
  if (o === undefined) return undefined
  const call = 'installCleanroom'
  return {
    every: o.every ?? 1,
    warnAbove: sizeOf(o.warnAbove, call, 'memory.warnAbove') ?? defaultWarnAbove,
    failAbove: sizeOf(o.failAbove, call, 'memory.failAbove'),
    trend: o.trend ?? true,
  }
}

/** A size for messages: `12.3 MB`, or `250 KB` below a megabyte. */
export function formatSize(bytes: number): string {
  return Math.abs(bytes) < 1e6 ? `${Math.round(bytes / 1e3)} KB` : formatMegabytes(bytes)
}

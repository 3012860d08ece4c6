import {
  assertKnownKeys,
  assertOptionalOneOf,
  assertPlainObject,
  describeValue,
} from '../core/validate.ts'
import type { GlobalStateChange } from '../core/global-state-change.ts'

export type { GlobalStateChange }

/**
 * What a test that leaves global state changed does: `'restore'` puts it back and warns,
 * `'fail'` fails the test (and puts it back), `'warn'` prints what changed, `'off'` checks
 * nothing.
 */
export type GlobalStateMode = 'restore' | 'fail' | 'warn' | 'off'

/**
 * A change that is no concern of the guard: a string (the change's `name`, such as
 * `'process.env.DEBUG'` or `'globalThis.__coverage__'`; a name ending in `*` matches every name
 * it starts), a RegExp (tested against the name), or a predicate.
 */
export type GlobalStateIgnore = string | RegExp | ((change: GlobalStateChange) => boolean)

/** The global-state guard, in full: the `globals` option of `installCleanroom()`. */
export interface GlobalStateOptions {
  /** What a change does. */
  mode: GlobalStateMode
  /** Changes that are not the guard's concern. */
  ignore?: readonly GlobalStateIgnore[]
}

/** The guard's settings, after defaults and the environment. */
export interface ResolvedGlobalStateOptions {
  readonly mode: GlobalStateMode
  readonly ignore: readonly GlobalStateIgnore[]
}

const modes = ['restore', 'fail', 'warn', 'off'] as const
const keys = ['mode', 'ignore'] as const

/** Checks the `globals` option: a `TypeError` naming what is wrong, at install. */
export function validateGlobalStateOptions(value: unknown, call: string): void {
  if (value === undefined || typeof value === 'string') {
    assertOptionalOneOf(value, modes, call, 'globals')
    return
  }
  assertPlainObject(value, call, 'globals')
  assertKnownKeys(value, keys, call)
  const o = value as Partial<GlobalStateOptions>
  if (o.mode === undefined) {
    throw new TypeError(
      `${call}: expected \`globals.mode\` to be one of 'restore', 'fail', 'warn', 'off', got undefined`,
    )
  }
  assertOptionalOneOf(o.mode, modes, call, 'globals.mode')
  if (o.ignore === undefined) return
  if (!Array.isArray(o.ignore)) {
    throw new TypeError(
      `${call}: expected \`globals.ignore\` to be an array, got ${describeValue(o.ignore)}`,
    )
  }
  o.ignore.forEach((rule: unknown, index) => {
    if (typeof rule !== 'string' && typeof rule !== 'function' && !(rule instanceof RegExp)) {
      throw new TypeError(
        `${call}: expected \`globals.ignore[${String(index)}]\` to be a string, a RegExp or a function, got ${describeValue(rule)}`,
      )
    }
  })
}

/**
 * The settings the guard runs with: the option (already validated), then the
 * `CLEANROOM_GLOBALS` environment variable over its mode.
 * @throws {TypeError} when `CLEANROOM_GLOBALS` has a value it cannot mean
 */
export function resolveGlobalStateOptions(
  value: GlobalStateMode | GlobalStateOptions | undefined,
  env: Readonly<Record<string, string | undefined>>,
): ResolvedGlobalStateOptions {
  const o: GlobalStateOptions = typeof value === 'object' ? value : { mode: value ?? 'warn' }
  // Empty is unset, as for CLEANROOM_LEAKS.
  const envMode = env.CLEANROOM_GLOBALS === '' ? undefined : env.CLEANROOM_GLOBALS
  if (envMode !== undefined && !(modes as readonly string[]).includes(envMode)) {
    throw new TypeError(
      `CLEANROOM_GLOBALS: expected restore, fail, warn or off, got ${JSON.stringify(envMode)}. Unset it or give one of those.`,
    )
  }
  return { mode: (envMode as GlobalStateMode | undefined) ?? o.mode, ignore: o.ignore ?? [] }
}

/** Whether a rule says `change` is no concern of the guard. */
export function isIgnoredChange(
  change: GlobalStateChange,
  rules: readonly GlobalStateIgnore[],
): boolean {
  return rules.some((rule) => {
    if (typeof rule === 'string') {
      return rule.endsWith('*') ? change.name.startsWith(rule.slice(0, -1)) : rule === change.name
    }
    if (rule instanceof RegExp) return rule.test(change.name)
    return rule(change)
  })
}

import {
  Lifecycle,
  type ClassProvider,
  type DependencyContainer,
  type InjectionToken,
} from 'tsyringe'
import type { Scope } from '../core/scope-types.ts'
import {
  assertKnownKeys,
  assertOptionalDeadline,
  assertOptionalString,
  assertPlainObject,
  describeValue,
} from '../core/validate.ts'

/** The fields every override has, whatever provides its value. */
interface OverrideBase<Value> {
  /** The token to register on the test container: a class, a string or a symbol. */
  token: InjectionToken<Value>
}

/**
 * An override registered with a class: the container builds it, and the instances it builds
 * are disposed like every other it builds, unless `dispose` is `false`.
 */
export interface ClassOverride<Value> extends OverrideBase<Value> {
  /** The class to build for `token`. */
  useClass: ClassProvider<Value>['useClass']
  /** tsyringe's lifecycle for it. Default `Lifecycle.Transient`. */
  lifecycle?: Lifecycle
  /** `false`: leave what it builds alone (it is someone else's to dispose). Default `true`. */
  dispose?: boolean
}

/**
 * An override registered with a value made elsewhere: never disposed by the container unless
 * `dispose` is `true`.
 */
export interface ValueOverride<Value> extends OverrideBase<Value> {
  /** The value to resolve `token` to. */
  useValue: Value
  /**
   * `true`: dispose the value with the container (after everything it built), with its
   * `Symbol.asyncDispose`, `Symbol.dispose` or `dispose()`, else with the scope registry's
   * kind for it. Default `false`: a value you pass in is yours.
   */
  dispose?: boolean
}

/**
 * An override registered with a factory: what it returns, and what it builds through the
 * container, is never disposed by the container unless `dispose` is `true`.
 */
export interface FactoryOverride<Value> extends OverrideBase<Value> {
  /** Called with the test container on each resolution of `token`. */
  useFactory: (container: DependencyContainer) => Value
  /**
   * `true`: dispose what it returns (each distinct value once) and what it resolves through
   * the container, with the container. Default `false`: a factory may cache, and share its
   * values beyond the test.
   */
  dispose?: boolean
}

/** An override that makes `token` an alias of another token; what that resolves to decides. */
export interface TokenOverride<Value> extends OverrideBase<Value> {
  /** The token to resolve instead. */
  useToken: InjectionToken<Value>
  /** tsyringe's lifecycle for it. Default `Lifecycle.Transient`. */
  lifecycle?: Lifecycle
}

/** One registration made on the test container before it is returned. */
export type TestContainerOverride<Value = unknown> =
  ClassOverride<Value> | ValueOverride<Value> | FactoryOverride<Value> | TokenOverride<Value>

/** Options of `createTestContainer`. */
export interface CreateTestContainerOptions {
  /**
   * Registrations made on the test container, which win over the parent's for the same
   * token: what the code under test receives instead of its real dependencies.
   */
  overrides?: readonly TestContainerOverride[]
  /** The scope to track the container in. Default: the current scope (the running test's). */
  scope?: Scope
  /** The label reports show for the container. Default `'tsyringe container'`. */
  label?: string
  /** Deadline in ms for disposing each instance. Default: the scope's `timeout`. */
  timeout?: number
}

/** An override once checked: which provider it has, and whether what it gives is disposed. */
export interface CheckedOverride {
  readonly token: InjectionToken
  readonly provider: 'useClass' | 'useValue' | 'useFactory' | 'useToken'
  readonly registration: Record<string, unknown>
  readonly lifecycle: Lifecycle | undefined
  /** Whether what it provides is disposed with the container. */
  readonly dispose: boolean
}

const optionKeys = ['overrides', 'scope', 'label', 'timeout'] as const
const overrideKeys = [
  'token',
  'useClass',
  'useValue',
  'useFactory',
  'useToken',
  'lifecycle',
  'dispose',
] as const
const providers = ['useClass', 'useValue', 'useFactory', 'useToken'] as const
const lifecycles: readonly Lifecycle[] = [
  Lifecycle.Transient,
  Lifecycle.Singleton,
  Lifecycle.ResolutionScoped,
  Lifecycle.ContainerScoped,
]

function isToken(value: unknown): boolean {
  return (
    (typeof value === 'string' && value !== '') ||
    typeof value === 'symbol' ||
    typeof value === 'function'
  )
}

/** Whether `value` looks like a tsyringe container. */
export function isContainer(value: unknown): value is DependencyContainer {
  if (typeof value !== 'object' || value === null) return false
  const c = value as Partial<Record<string, unknown>>
  return (
    typeof c.createChildContainer === 'function' &&
    typeof c.resolve === 'function' &&
    typeof c.register === 'function'
  )
}

/** Checks the options of `createTestContainer`, naming the call, the option and the value. */
export function checkOptions(options: unknown, call: string): CreateTestContainerOptions {
  if (options === undefined) return {}
  assertPlainObject(options, call, 'options')
  assertKnownKeys(options, optionKeys, call)
  const o = options as CreateTestContainerOptions
  assertOptionalString(o.label, call, 'label')
  if (o.label === '') {
    throw new TypeError(`${call}: expected \`label\` to be a non-empty string, got ""`)
  }
  assertOptionalDeadline(o.timeout, call, 'timeout')
  if (o.scope !== undefined && typeof (o.scope as Partial<Scope>).child !== 'function') {
    throw new TypeError(
      `${call}: expected \`scope\` to be a scope from createScope(), got ${describeValue(o.scope)}`,
    )
  }
  if (o.overrides !== undefined && !Array.isArray(o.overrides)) {
    throw new TypeError(
      `${call}: expected \`overrides\` to be an array of { token, useClass | useValue | useFactory | useToken }, got ${describeValue(o.overrides)}`,
    )
  }
  return o
}

/** Checks each override, naming `overrides[i].field` in the error. */
export function checkOverrides(
  overrides: readonly unknown[] | undefined,
  call: string,
): CheckedOverride[] {
  return (overrides ?? []).map((override, index) => checkOverride(override, index, call))
}

function checkOverride(override: unknown, index: number, call: string): CheckedOverride {
  const at = `overrides[${index}]`
  assertPlainObject(override, call, at)
  for (const key in override) {
    if (!(overrideKeys as readonly string[]).includes(key)) {
      throw new TypeError(
        `${call}: unknown field \`${at}.${key}\`. Known fields: ${overrideKeys.map((k) => `\`${k}\``).join(', ')}`,
      )
    }
  }
  const o = override as Partial<Record<(typeof overrideKeys)[number], unknown>>
  if (!isToken(o.token)) {
    throw new TypeError(
      `${call}: expected \`${at}.token\` to be a class, a non-empty string or a symbol, got ${describeValue(o.token)}`,
    )
  }
  const given = providers.filter((key) => key in override)
  const [provider] = given
  if (provider === undefined || given.length > 1) {
    throw new TypeError(
      `${call}: expected \`${at}\` to have exactly one of \`useClass\`, \`useValue\`, \`useFactory\` or \`useToken\`, got ${given.length === 0 ? 'none' : given.map((k) => `\`${k}\``).join(' and ')}`,
    )
  }
  if (provider === 'useClass' || provider === 'useFactory') {
    if (typeof o[provider] !== 'function') {
      throw new TypeError(
        `${call}: expected \`${at}.${provider}\` to be a ${provider === 'useClass' ? 'class' : 'function'}, got ${describeValue(o[provider])}`,
      )
    }
  }
  if (provider === 'useToken' && !isToken(o.useToken)) {
    throw new TypeError(
      `${call}: expected \`${at}.useToken\` to be a class, a non-empty string or a symbol, got ${describeValue(o.useToken)}`,
    )
  }
  if (o.lifecycle !== undefined) {
    if (provider === 'useValue' || provider === 'useFactory') {
      throw new TypeError(
        `${call}: \`${at}.lifecycle\` applies to \`useClass\` and \`useToken\` only (tsyringe gives a value or a factory no lifecycle), got it with \`${provider}\``,
      )
    }
    if (!lifecycles.some((lifecycle) => lifecycle === o.lifecycle)) {
      throw new TypeError(
        `${call}: expected \`${at}.lifecycle\` to be a tsyringe Lifecycle (Transient, Singleton, ResolutionScoped or ContainerScoped), got ${describeValue(o.lifecycle)}`,
      )
    }
  }
  if (o.dispose !== undefined) {
    if (provider === 'useToken') {
      throw new TypeError(
        `${call}: \`${at}.dispose\` does not apply to \`useToken\`: what the other token resolves to is disposed (or not) as that token's registration says`,
      )
    }
    if (typeof o.dispose !== 'boolean') {
      throw new TypeError(
        `${call}: expected \`${at}.dispose\` to be a boolean, got ${describeValue(o.dispose)}`,
      )
    }
    const value = o.useValue
    const isObject = (typeof value === 'object' && value !== null) || typeof value === 'function'
    if (o.dispose && provider === 'useValue' && !isObject) {
      throw new TypeError(
        `${call}: \`${at}.dispose\` is true, but \`${at}.useValue\` is ${describeValue(value)}, which has nothing to dispose`,
      )
    }
  }
  return {
    token: o.token as InjectionToken,
    provider,
    registration: { [provider]: o[provider] },
    lifecycle: lifecycles.find((lifecycle) => lifecycle === o.lifecycle),
    dispose: o.dispose ?? provider === 'useClass',
  }
}

/** A token as messages and labels show it: `UsersService`, `"Db"`, `Symbol(db)`. */
export function describeToken(token: unknown): string {
  if (typeof token === 'string') return JSON.stringify(token)
  if (typeof token === 'symbol') return token.toString()
  if (typeof token === 'function') return token.name === '' ? 'an anonymous class' : token.name
  return describeValue(token)
}

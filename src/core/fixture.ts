import type { Entry } from './entry.ts'
import { FixtureLevelError } from './errors.ts'
import { processSingleton } from './process-singleton.ts'
import { scopeContext } from './scope-context.ts'
import type {
  Fixture,
  FixtureDeps,
  FixtureLevel,
  FixtureSpec,
  ResolvedDeps,
} from './fixture-types.ts'
import type { FixtureInstance, ScopeImpl } from './scope.ts'
import {
  assertFunction,
  assertKnownKeys,
  assertOptionalDeadline,
  assertOptionalOneOf,
  assertPlainObject,
  describeValue,
} from './validate.ts'

/** Longer-lived levels rank lower. */
const levelRank: Record<FixtureLevel, number> = { worker: 0, file: 1, test: 2 }
const specKeys = ['name', 'deps', 'level', 'timeout', 'setup'] as const

interface FixtureRecord extends Fixture<unknown> {
  readonly setup: (deps: Record<string, unknown>, scope: ScopeImpl) => unknown
}

// One set per process: a fixture defined by one copy of cleanroom (the ESM build, say, in an
// ESM test file) is used in scopes of another (the CommonJS build Mocha's --require loads).
const definitions: WeakSet<object> = processSingleton('fixtures', () => new WeakSet<object>())

/** The `deps` of a fixture that has none. */
// eslint-disable-next-line @typescript-eslint/no-generated-empty-object-type -- no deps is the empty object
export type NoDeps = Readonly<Record<never, Fixture<unknown>>>

/**
 * Defines a fixture: a value created lazily, once per scope of its `level`, inside its own
 * child scope, and torn down when that level ends, after every fixture that depends on it.
 * The value's type flows from `setup`, and each dependency's from `deps`.
 *
 * @param spec - name, dependencies, level, cleanup deadline and setup
 * @returns the fixture, to pass to `scope.use()` or to other fixtures' `deps`
 * @throws {@link FixtureLevelError} when it depends on a fixture of a shorter-lived level
 * @throws {TypeError} when the spec is malformed
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { createScope, defineFixture } from 'cleanroom'
 *
 * const server = defineFixture({
 *   name: 'server',
 *   level: 'file',
 *   setup: (_, scope) => scope.track(createServer().listen(0)),
 * })
 * const baseUrl = defineFixture({
 *   name: 'baseUrl',
 *   deps: { server },
 *   setup: ({ server }) => `http://127.0.0.1:${(server.address() as { port: number }).port}`,
 * })
 *
 * const file = createScope({ level: 'file' })
 * const test = file.child('test', { level: 'test' })
 * const url: string = await test.use(baseUrl)
 * await test.dispose()
 * await file.dispose()
 * ```
 */
export function defineFixture<Value, Deps extends FixtureDeps = NoDeps>(
  spec: FixtureSpec<Value, Deps>,
): Fixture<Value> {
  assertPlainObject(spec, 'defineFixture', 'spec')
  assertKnownKeys(spec, specKeys, 'defineFixture')
  if (typeof spec.name !== 'string' || spec.name === '') {
    throw new TypeError(
      `defineFixture: expected \`name\` to be a non-empty string, got ${describeValue(spec.name)}`,
    )
  }
  const call = `defineFixture("${spec.name}")`
  assertFunction(spec.setup, call, 'setup')
  assertOptionalOneOf(spec.level, ['worker', 'file', 'test'], call, 'level')
  assertOptionalDeadline(spec.timeout, call, 'timeout')
  const level = spec.level ?? 'test'
  const deps: FixtureDeps = spec.deps ?? {}
  assertPlainObject(deps, call, 'deps')
  for (const [key, dep] of Object.entries(deps)) {
    if (!definitions.has(dep)) {
      throw new TypeError(
        `${call}: expected \`deps.${key}\` to be a fixture from defineFixture(), got ${describeValue(dep)}`,
      )
    }
    if (levelRank[dep.level] > levelRank[level]) {
      throw new FixtureLevelError(
        `Fixture "${spec.name}" (${level} level) cannot depend on "${dep.name}" (${dep.level} level): ` +
          `a ${level} fixture outlives every ${dep.level} and would keep using it after its teardown. ` +
          `Give "${dep.name}" level '${level}' (or a longer one), or give "${spec.name}" level '${dep.level}'.`,
      )
    }
  }
  const fixture: FixtureRecord = Object.freeze({
    name: spec.name,
    level,
    deps: Object.freeze({ ...deps }),
    timeout: spec.timeout,
    setup: spec.setup as unknown as FixtureRecord['setup'],
  })
  definitions.add(fixture)
  return fixture as Fixture<Value>
}

/**
 * The scope that hosts a fixture used from `from`: the nearest enclosing scope of the
 * fixture's level, else the nearest enclosing scope created without a level. Fixtures' own
 * scopes never host.
 */
function findHost(from: ScopeImpl, fixture: Fixture<unknown>): ScopeImpl {
  let unlevelled: ScopeImpl | undefined
  for (let scope: ScopeImpl | undefined = from; scope !== undefined; scope = scope.parent) {
    if (!scope.options.hostsFixtures) continue
    if (scope.level === fixture.level) return scope
    if (scope.level === undefined) unlevelled ??= scope
  }
  if (unlevelled !== undefined) return unlevelled
  const where = fixture.level === 'test' ? 'inside a test' : `inside a ${fixture.level} scope`
  throw new FixtureLevelError(
    `Fixture "${fixture.name}" is a ${fixture.level}-level fixture, but scope "${from.path}" has no ` +
      `${fixture.level} scope around it to host it. Use it ${where}, or define it with a level that is open here.`,
  )
}

function instanceIn(from: ScopeImpl, fixture: Fixture<unknown>): FixtureInstance {
  if (!definitions.has(fixture)) {
    throw new TypeError(
      `scope.use: expected a fixture from defineFixture(), got ${describeValue(fixture)}`,
    )
  }
  const host = findHost(from, fixture)
  host.assertOpen(`use fixture "${fixture.name}"`)
  let instance = host.fixtures.get(fixture)
  if (instance === undefined) {
    const created: FixtureInstance = { scope: undefined, value: Promise.resolve() }
    // Cached before anything is awaited, so concurrent uses share one instance.
    host.fixtures.set(fixture, created)
    Object.assign(created, { value: createInstance(host, fixture as FixtureRecord, created) })
    instance = created
  }
  return instance
}

async function createInstance(
  host: ScopeImpl,
  fixture: FixtureRecord,
  instance: FixtureInstance,
): Promise<unknown> {
  const values: Record<string, unknown> = {}
  const depInstances: FixtureInstance[] = []
  for (const [key, dep] of Object.entries(fixture.deps)) {
    const depInstance = instanceIn(host, dep)
    values[key] = await depInstance.value
    depInstances.push(depInstance)
  }
  const options =
    fixture.timeout === undefined
      ? { name: `fixture ${fixture.name}` }
      : { name: `fixture ${fixture.name}`, timeout: fixture.timeout }
  const scope = host.createChild(options, false)
  instance.scope = scope
  for (const depInstance of depInstances) {
    const depScope = depInstance.scope
    if (depScope?.entryInParent === undefined || depScope.parent === undefined) continue
    // The fixture's scope is disposed before the scopes of the fixtures it uses.
    depScope.parent.addEdge(host, scope.entryInParent as Entry, depScope.entryInParent)
  }
  return scopeContext.run(scope, () => fixture.setup(values, scope))
}

/** Resolves `fixture` as seen from `from`, creating it in its host scope on first use. */
export function useFixture<Value>(from: ScopeImpl, fixture: Fixture<Value>): Promise<Value> {
  try {
    return instanceIn(from, fixture).value as Promise<Value>
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
  }
}

export type { ResolvedDeps }

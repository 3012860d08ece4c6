import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CleanupError,
  createScope,
  DependencyCycleError,
  DisposeTimeoutError,
  type DisposeError,
  type DisposeReport,
  type Scope,
} from 'cleanroom'

type Behaviour = 'sync' | 'async' | 'throw' | 'reject' | 'hang'

interface EntrySpec {
  readonly behaviour: Behaviour
  /** Which scope tracks it: 0 the root, 1 and 2 children created along the way. */
  readonly scope: number
  /** Indices of earlier entries it asks to depend on. */
  readonly deps: readonly number[]
}

const hangTimeout = 15

const entrySpecs = fc
  .array(
    fc.record({
      behaviour: fc.constantFrom<Behaviour>(
        'sync',
        'sync',
        'async',
        'async',
        'throw',
        'reject',
        'hang',
      ),
      scope: fc.integer({ min: 0, max: 2 }),
      depSeeds: fc.array(fc.nat(), { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 18 },
  )
  .map((raw): EntrySpec[] =>
    raw.map(({ behaviour, scope, depSeeds }, index) => ({
      behaviour,
      scope,
      deps: index === 0 ? [] : [...new Set(depSeeds.map((seed) => seed % index))],
    })),
  )

const orderings = fc.record({
  order: fc.constantFrom<'lifo' | 'dependencies'>('lifo', 'dependencies'),
  concurrency: fc.integer({ min: 1, max: 6 }),
})

interface Event {
  readonly index: number
  readonly type: 'start' | 'settle'
  readonly at: number
}

async function runModel(
  specs: readonly EntrySpec[],
  order: 'lifo' | 'dependencies',
  concurrency: number,
) {
  const root = createScope({ name: 'root', order, concurrency, timeout: hangTimeout * 20 })
  const scopes: Scope[] = [root]
  const events: Event[] = []
  const calls = specs.map(() => 0)
  const values: object[] = []
  const edges: [number, number][] = []
  const failing = new Set<string>()
  specs.forEach((spec, index) => {
    while (scopes.length <= spec.scope) scopes.push(root.child(`child ${scopes.length}`))
    const scope = scopes[spec.scope] as Scope
    const label = `entry ${index}`
    if (spec.behaviour !== 'sync' && spec.behaviour !== 'async') failing.add(label)
    const dispose = (): unknown => {
      calls[index] = (calls[index] ?? 0) + 1
      events.push({ index, type: 'start', at: performance.now() })
      const settle = () => events.push({ index, type: 'settle', at: performance.now() })
      switch (spec.behaviour) {
        case 'sync':
          settle()
          return undefined
        case 'async':
          return new Promise<void>((resolve) => setTimeout(resolve, 1)).then(settle)
        case 'throw':
          settle()
          throw new Error(`${label} failed`)
        case 'reject':
          return Promise.resolve().then(() => {
            settle()
            throw new Error(`${label} rejected`)
          })
        case 'hang':
          return new Promise(() => undefined)
      }
    }
    // An edge across scopes that would close a cycle is refused, and refusing it must leave
    // the graph untouched: drop the deps from the end until the track is accepted.
    let accepted = spec.deps.map((dep) => values[dep] as object)
    for (;;) {
      try {
        values.push(
          scope.track(
            { index },
            {
              label,
              dispose,
              dependsOn: accepted,
              ...(spec.behaviour === 'hang' ? { timeout: hangTimeout } : {}),
            },
          ),
        )
        break
      } catch (error) {
        expect(error).toBeInstanceOf(DependencyCycleError)
        accepted = accepted.slice(0, -1)
      }
    }
    for (const dep of accepted) edges.push([index, values.indexOf(dep)])
  })
  let report: DisposeReport
  let errors: readonly DisposeError[] = []
  try {
    report = await root.dispose()
  } catch (error) {
    expect(error).toBeInstanceOf(CleanupError)
    report = (error as CleanupError).report
    errors = (error as CleanupError).errors
  }
  return { events, calls, edges, failing, report, errors }
}

describe('disposal over random graphs, failures and hangs', () => {
  it('disposes every entry exactly once, never before its dependents, and reports every failure', async () => {
    await fc.assert(
      fc.asyncProperty(entrySpecs, orderings, async (specs, { order, concurrency }) => {
        const { events, calls, edges, failing, report, errors } = await runModel(
          specs,
          order,
          concurrency,
        )
        expect(calls).toEqual(specs.map(() => 1))
        const startOf = (index: number) =>
          events.find((e) => e.index === index && e.type === 'start')
        const settleOf = (index: number) =>
          events.findIndex((e) => e.index === index && e.type === 'settle')
        for (const [dependent, dependency] of edges) {
          const dependencyStart = events.findIndex(
            (e) => e.index === dependency && e.type === 'start',
          )
          if (specs[dependent]?.behaviour === 'hang') {
            // A hung dependent is left behind once its deadline passes, not before.
            const waited = (startOf(dependency)?.at ?? 0) - (startOf(dependent)?.at ?? 0)
            expect(waited).toBeGreaterThanOrEqual(hangTimeout - 2)
          } else {
            expect(dependencyStart).toBeGreaterThan(settleOf(dependent))
          }
        }
        expect(report.entries.map((entry) => entry.label).sort()).toEqual(
          specs.map((_, index) => `entry ${index}`).sort(),
        )
        expect(new Set(errors.map((error) => error.resource.label))).toEqual(failing)
        for (const error of errors) {
          const label = error.resource.label
          const behaviour = specs[Number(label.slice('entry '.length))]?.behaviour
          expect(error instanceof DisposeTimeoutError).toBe(behaviour === 'hang')
        }
      }),
      { numRuns: 80 },
    )
  }, 60_000)

  it('disposes in exact reverse creation order under lifo when edges agree with it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: 1, maxLength: 40 }),
        async (depSeeds) => {
          const scope = createScope()
          const log: number[] = []
          const values: object[] = []
          depSeeds.forEach((seeds, index) => {
            const dependsOn =
              index === 0 ? [] : [...new Set(seeds.map((s) => values[s % index] as object))]
            values.push(scope.track({ index }, { dispose: () => void log.push(index), dependsOn }))
          })
          await scope.dispose()
          expect(log).toEqual([...depSeeds.keys()].reverse())
        },
      ),
      { numRuns: 100 },
    )
  })
})

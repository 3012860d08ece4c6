import 'reflect-metadata'
import fc from 'fast-check'
import { inject, injectable, Lifecycle } from 'tsyringe'
import { describe, expect, it } from 'vitest'
import { CleanupError, createScope, type DisposeError } from 'cleanroom'
import { createTestContainer } from 'cleanroom/tsyringe'

type Behaviour = 'sync' | 'async' | 'throw' | 'reject'

/** One service of a random graph: how its dispose() behaves, and which earlier ones it uses. */
interface ServiceSpec {
  readonly behaviour: Behaviour
  /** Container-scoped (one instance per container) or transient (one per resolution). */
  readonly shared: boolean
  readonly deps: readonly number[]
}

const graphs = fc
  .array(
    fc.record({
      behaviour: fc.constantFrom<Behaviour>('sync', 'async', 'async', 'throw', 'reject'),
      shared: fc.boolean(),
      depSeeds: fc.array(fc.nat(), { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 8 },
  )
  .map((raw) =>
    raw.map(({ behaviour, shared, depSeeds }, index): ServiceSpec => {
      const deps = index === 0 ? [] : [...new Set(depSeeds.map((seed) => seed % index))]
      return { behaviour, shared, deps }
    }),
  )

interface Built {
  readonly name: string
  readonly deps: readonly object[]
}

/** Builds the graph's classes with explicit tokens, resolves `roots`, and disposes the scope. */
async function runGraph(specs: readonly ServiceSpec[], roots: readonly number[]) {
  const disposed: object[] = []
  const built = new Map<object, Built>()
  const classes: (new (...deps: object[]) => object)[] = []
  specs.forEach((spec, index) => {
    const name = `Service${index}`
    const Service = class {
      constructor(...deps: object[]) {
        built.set(this, { name, deps })
      }
      dispose(): unknown {
        disposed.push(this)
        if (spec.behaviour === 'throw') throw new Error(`${name} failed`)
        if (spec.behaviour === 'reject') return Promise.reject(new Error(`${name} failed`))
        if (spec.behaviour === 'async') return Promise.resolve()
        return undefined
      }
    }
    Object.defineProperty(Service, 'name', { value: name })
    spec.deps.forEach((dep, position) => {
      inject(`token ${dep}`)(Service, undefined, position)
    })
    injectable()(Service)
    classes.push(Service)
  })
  const scope = createScope()
  const container = createTestContainer({
    scope,
    overrides: specs.map((spec, index) => ({
      token: `token ${index}`,
      useClass: classes[index] as new () => object,
      lifecycle: spec.shared ? Lifecycle.ContainerScoped : Lifecycle.Transient,
    })),
  })
  for (const root of roots) container.resolve(`token ${root}`)
  let errors: readonly DisposeError[] = []
  await scope.dispose().catch((error: unknown) => {
    expect(error).toBeInstanceOf(CleanupError)
    errors = (error as CleanupError).errors
  })
  return { disposed, built, errors }
}

describe('createTestContainer over random graphs', () => {
  it('disposes every instance it built once, each before its dependencies, and reports every failure', async () => {
    await fc.assert(
      fc.asyncProperty(
        graphs.chain((specs) =>
          fc.tuple(
            fc.constant(specs),
            fc.array(fc.nat({ max: specs.length - 1 }), { minLength: 1, maxLength: 4 }),
          ),
        ),
        async ([specs, roots]) => {
          const { disposed, built, errors } = await runGraph(specs, roots)
          // Every instance built, once each.
          expect(disposed).toHaveLength(built.size)
          expect(new Set(disposed).size).toBe(built.size)
          // Each dependent before every one of its dependencies.
          for (const [instance, { deps }] of built) {
            for (const dep of deps) {
              expect(disposed.indexOf(instance)).toBeLessThan(disposed.indexOf(dep))
            }
          }
          // One error per failing instance, in disposal order, named by its class.
          const failing = disposed
            .map((instance) => built.get(instance)?.name ?? '')
            .filter((name) => {
              const behaviour = specs[Number(name.slice('Service'.length))]?.behaviour
              return behaviour === 'throw' || behaviour === 'reject'
            })
          expect(errors.map((error) => error.resource.label)).toEqual(failing)
        },
      ),
      { numRuns: 60 },
    )
  }, 60_000)
})

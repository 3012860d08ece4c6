import { createServer, type Server } from 'node:http'
import { describe, expectTypeOf, it } from 'vitest'
import {
  createScope,
  defineFixture,
  defineKind,
  type Fixture,
  type KindName,
  type Scope,
} from 'cleanroom'

class Redis {
  quit(): Promise<void> {
    return Promise.resolve()
  }
}

declare module 'cleanroom' {
  interface ResourceKinds {
    redis: Redis
  }
}

const scope = createScope()

describe('track', () => {
  it('returns the value it was given, with its type', () => {
    expectTypeOf(scope.track(createServer())).toEqualTypeOf<Server>()
    expectTypeOf(scope.track(new Redis(), { kind: 'redis' })).toEqualTypeOf<Redis>()
  })

  it('types the ad-hoc disposer’s parameter from the value', () => {
    scope.track(new Redis(), {
      dispose: (redis) => {
        expectTypeOf(redis).toEqualTypeOf<Redis>()
        return redis.quit()
      },
    })
  })

  it('accepts a kind name only for values of that kind’s type', () => {
    expectTypeOf<'redis'>().toExtend<KindName>()
    // @ts-expect-error an AbortController is not a Redis
    scope.track(new AbortController(), { kind: 'redis' })
    // @ts-expect-error no kind is named 'mongo'
    scope.track(new Redis(), { kind: 'mongo' })
    scope.track(new AbortController(), { kind: 'abort-controller' })
  })

  it('takes only objects in dependsOn', () => {
    // @ts-expect-error dependsOn lists tracked objects, not labels
    scope.track(new Redis(), { kind: 'redis', dependsOn: ['db'] })
  })
})

describe('defineKind', () => {
  it('infers the resource type from match', () => {
    const kind = defineKind({
      name: 'redis',
      match: (value): value is Redis => value instanceof Redis,
      dispose: (redis) => {
        expectTypeOf(redis).toEqualTypeOf<Redis>()
        return redis.quit()
      },
      describe: (redis) => `redis ${String(redis instanceof Redis)}`,
    })
    expectTypeOf(kind.name).toEqualTypeOf<string>()
  })
})

describe('defineFixture', () => {
  const port = defineFixture({ name: 'port', level: 'file', setup: () => 5432 })
  const url = defineFixture({
    name: 'url',
    deps: { port },
    setup: ({ port }) => {
      expectTypeOf(port).toEqualTypeOf<number>()
      return `postgres://127.0.0.1:${port}`
    },
  })
  const client = defineFixture({
    name: 'client',
    deps: { url, port },
    setup: async ({ url, port }, fixtureScope) => {
      expectTypeOf(url).toEqualTypeOf<string>()
      expectTypeOf(port).toEqualTypeOf<number>()
      expectTypeOf(fixtureScope).toEqualTypeOf<Scope>()
      await Promise.resolve()
      return { url, connected: true as const }
    },
  })

  it('infers values from setup, async ones unwrapped', () => {
    expectTypeOf(port).toEqualTypeOf<Fixture<number>>()
    expectTypeOf(url).toEqualTypeOf<Fixture<string>>()
    expectTypeOf(client).toEqualTypeOf<Fixture<{ url: string; connected: true }>>()
  })

  it('resolves use() to the fixture’s value', () => {
    expectTypeOf(scope.use(client)).resolves.toEqualTypeOf<{ url: string; connected: true }>()
  })

  it('refuses a dependency name setup does not receive', () => {
    defineFixture({
      name: 'bad',
      deps: { port },
      // @ts-expect-error `url` is not among the deps
      setup: ({ url }: { url: string }) => url,
    })
  })
})

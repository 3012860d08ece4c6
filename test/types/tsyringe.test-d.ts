import 'reflect-metadata'
import { Lifecycle, type DependencyContainer } from 'tsyringe'
import { describe, expectTypeOf, it } from 'vitest'
import { createScope, type KindName } from 'cleanroom'
import {
  createTestContainer,
  type CreateTestContainerOptions,
  type TestContainer,
} from 'cleanroom/tsyringe'

declare const parent: DependencyContainer
const scope = createScope()

class Db {
  dispose(): void {}
}

describe('cleanroom/tsyringe', () => {
  it('adds the tsyringe-container kind to the names track() accepts, for containers only', () => {
    expectTypeOf<'tsyringe-container'>().toExtend<KindName>()
    expectTypeOf(
      scope.track(parent, { kind: 'tsyringe-container' }),
    ).toEqualTypeOf<DependencyContainer>()
    // @ts-expect-error -- an AbortController is not a container
    scope.track(new AbortController(), { kind: 'tsyringe-container' })
  })

  it('takes options alone, or a parent and options', () => {
    expectTypeOf(createTestContainer()).toEqualTypeOf<TestContainer>()
    expectTypeOf(createTestContainer({ scope })).toEqualTypeOf<TestContainer>()
    expectTypeOf(createTestContainer(parent, { scope })).toEqualTypeOf<TestContainer>()
    expectTypeOf(createTestContainer(undefined, { scope })).toEqualTypeOf<TestContainer>()
    expectTypeOf<TestContainer>().toExtend<DependencyContainer>()
    expectTypeOf<TestContainer>().toExtend<AsyncDisposable>()
    expectTypeOf<TestContainer['dispose']>().returns.toEqualTypeOf<Promise<void>>()
  })

  it('accepts each kind of override, with lifecycle and dispose where they apply', () => {
    const overrides: CreateTestContainerOptions['overrides'] = [
      { token: 'Db', useValue: new Db() },
      { token: 'Db', useValue: new Db(), dispose: true },
      { token: Db, useClass: Db, lifecycle: Lifecycle.ContainerScoped, dispose: false },
      { token: Symbol('db'), useFactory: (c) => c.resolve(Db), dispose: true },
      { token: 'Alias', useToken: Db, lifecycle: Lifecycle.Singleton },
    ]
    expectTypeOf(overrides).not.toBeUndefined()
    // @ts-expect-error -- a token is required
    createTestContainer({ overrides: [{ useValue: 1 }] })
    // @ts-expect-error -- an unknown option
    createTestContainer({ scope, dispose: true })
    // @ts-expect-error -- the timeout is a number of milliseconds
    createTestContainer({ timeout: '5s' })
  })
})

import type { ChildProcess } from 'node:child_process'
import type { Server } from 'node:net'
import { PassThrough } from 'node:stream'
import { createScope, type KindName, type KindNameFor } from 'cleanroom'
import { describe, expectTypeOf, test } from 'vitest'

describe('built-in kind names', () => {
  test('are all known to the type of track() options', () => {
    expectTypeOf<
      | 'disposable'
      | 'stream'
      | 'server'
      | 'socket'
      | 'child-process'
      | 'worker'
      | 'timer'
      | 'abort-controller'
      | 'file-handle'
      | 'fs-watcher'
      | 'udp-socket'
      | 'message-port'
      | 'message-channel'
      | 'broadcast-channel'
    >().toExtend<KindName>()
  })

  test('a kind name compiles only for values of its type', () => {
    const scope = createScope()
    const controller = scope.track(new AbortController(), { kind: 'abort-controller' })
    expectTypeOf(controller).toEqualTypeOf<AbortController>()
    // @ts-expect-error an AbortController is not a socket
    scope.track(new AbortController(), { kind: 'socket' })
    const timeout = setTimeout(() => undefined, 1)
    // @ts-expect-error a timer is not a child process
    scope.track(timeout, { kind: 'child-process' })
    scope.track(
      setInterval(() => undefined, 1),
      { kind: 'timer' },
    )
    scope.track(new PassThrough(), { kind: 'stream' })
  })

  // Types are structural, so a name can compile for a value its kind's match() rejects (a
  // net.Server has the shape of an FSWatcher): track() then throws a TypeError at the call.
  test('offers every kind whose type accepts the value', () => {
    expectTypeOf<KindNameFor<AbortController>>().toEqualTypeOf<'abort-controller'>()
    expectTypeOf<KindNameFor<ChildProcess>>().toEqualTypeOf<'child-process' | 'disposable'>()
    expectTypeOf<'server' | 'disposable'>().toExtend<KindNameFor<Server>>()
    expectTypeOf<'socket'>().not.toExtend<KindNameFor<Server>>()
  })
})

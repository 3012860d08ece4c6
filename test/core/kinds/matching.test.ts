import { ChildProcess } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { mkdtempSync, rmSync, watch } from 'node:fs'
import { open } from 'node:fs/promises'
import http from 'node:http'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { BroadcastChannel, MessageChannel } from 'node:worker_threads'
import { builtinKinds, createRegistry, defaultRegistry } from 'cleanroom'
import { describe, expect, test } from 'vitest'

describe('built-in kinds', () => {
  test('are registered from generic to specific', () => {
    expect(builtinKinds.map((kind) => kind.name)).toEqual([
      'disposable',
      'stream',
      'server',
      'socket',
      'child-process',
      'worker',
      'timer',
      'abort-controller',
      'file-handle',
      'fs-watcher',
      'udp-socket',
      'message-port',
      'message-channel',
      'broadcast-channel',
    ])
    expect(defaultRegistry.kinds.slice(0, builtinKinds.length)).toEqual(builtinKinds)
  })

  test('match each value to its most specific kind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cleanroom-matching-'))
    const timeout = setTimeout(() => undefined, 1_000)
    const immediate = setImmediate(() => undefined)
    const udp = createSocket('udp4')
    const handle = await open(dir, 'r')
    const watcher = watch(dir)
    const channel = new MessageChannel()
    const broadcast = new BroadcastChannel('cleanroom-matching')
    const registry = createRegistry(builtinKinds)
    const kindOf = (value: unknown): string | undefined => registry.match(value)?.name
    try {
      // Most of these also have Symbol.asyncDispose or Symbol.dispose, and sockets are
      // streams: the specific kind must win.
      expect(kindOf(new net.Socket())).toBe('socket')
      expect(kindOf(http.createServer())).toBe('server')
      expect(kindOf(net.createServer())).toBe('server')
      expect(kindOf(new PassThrough())).toBe('stream')
      expect(kindOf(new ChildProcess())).toBe('child-process')
      expect(kindOf(timeout)).toBe('timer')
      expect(kindOf(immediate)).toBe('timer')
      expect(kindOf(udp)).toBe('udp-socket')
      expect(kindOf(handle)).toBe('file-handle')
      expect(kindOf(watcher)).toBe('fs-watcher')
      expect(kindOf(channel)).toBe('message-channel')
      expect(kindOf(channel.port1)).toBe('message-port')
      expect(kindOf(broadcast)).toBe('broadcast-channel')
      expect(kindOf(new AbortController())).toBe('abort-controller')
      expect(kindOf({ [Symbol.asyncDispose]: () => Promise.resolve() })).toBe('disposable')
      expect(
        kindOf({ close: () => undefined, ref: () => undefined, unref: () => undefined }),
      ).toBeUndefined()
      expect(kindOf({ fd: 3, close: () => undefined })).toBeUndefined()
    } finally {
      clearTimeout(timeout)
      clearImmediate(immediate)
      udp.close()
      await handle.close()
      watcher.close()
      channel.port1.close()
      broadcast.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

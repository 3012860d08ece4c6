import { once } from 'node:events'
import { appendFileSync } from 'node:fs'
import { createServer, get } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, afterEach, aroundEach, describe, expect, onTestFinished, test } from 'vitest'
import { currentScope, defer, defineFixture, track, use } from 'cleanroom'

const log = (line: string) => {
  appendFileSync(process.env.ORDER_LOG ?? 'order.log', `${line}\n`)
}

const config = defineFixture({
  name: 'config',
  level: 'worker',
  setup: (_, scope) => {
    scope.defer(() => {
      log('worker fixture: config dropped')
    })
    return { greeting: 'ok' }
  },
})

const server = defineFixture({
  name: 'server',
  level: 'file',
  deps: { config },
  setup: async ({ config }, scope) => {
    const http = track(createServer((_, response) => response.end(config.greeting)))
    await once(http.listen(0, '127.0.0.1'), 'listening')
    scope.defer(() => {
      log('file fixture: server closed')
    })
    return http
  },
})

const client = defineFixture({
  name: 'client',
  deps: { server },
  setup: ({ server }) => {
    defer(() => {
      log('test fixture: client released')
    })
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }
  },
})

function fetchText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      let body = ''
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
      response.on('end', () => {
        resolve(body)
      })
    }).on('error', reject)
  })
}

afterEach(({ task }) => {
  log(`afterEach: ${task.name}`)
})

afterAll(() => {
  log('afterAll')
})

test('uses fixtures across levels', async () => {
  const { url } = await use(client)
  expect(await fetchText(url)).toBe('ok')
  track(
    setInterval(() => {}, 1_000),
    { label: 'poller' },
  )
  defer(() => {
    log('test: poller stopped first')
  })
})

test('a failing disposer fails its test', () => {
  onTestFinished(() => {
    log('onTestFinished: a failing disposer fails its test')
  })
  defer(() => {
    log('test: the other cleanup still ran')
  })
  defer(
    () => {
      throw new Error('could not drop the schema')
    },
    { label: 'drop schema' },
  )
})

test('a hanging disposer times out', () => {
  defer(() => new Promise(() => {}), { label: 'stuck flush', timeout: 100 })
})

test('a slow disposer has until its own deadline, not Vitest’s hookTimeout', () => {
  defer(
    async () => {
      await sleep(400)
      log('test: slow cleanup finished')
    },
    { label: 'slow flush', timeout: 2_000 },
  )
})

describe('a suite', () => {
  afterEach(({ task }) => {
    log(`suite afterEach: ${task.name}`)
  })

  test('still runs after the failures', async () => {
    const { url } = await use(client)
    expect(await fetchText(url)).toBe('ok')
  })
})

test('a test that fails keeps its own error', () => {
  defer(
    () => {
      throw new Error('cleanup failed as well')
    },
    { label: 'second failure' },
  )
  throw new Error('the assertion failed first')
})

let tries = 0
test('a cleanup that fails on the first try only passes on the retry', { retry: 1 }, () => {
  tries++
  log(`retried test: try ${tries}`)
  if (tries === 1) {
    defer(
      () => {
        throw new Error('the first try’s cleanup failed')
      },
      { label: 'first try' },
    )
  }
})

describe('concurrent tests', () => {
  let secondDone = () => {}
  const second = new Promise<void>((resolve) => {
    secondDone = resolve
  })

  test.concurrent('first', async ({ expect }) => {
    const request = track(new AbortController(), { label: 'first request' })
    request.signal.addEventListener('abort', () => {
      log('concurrent: first request aborted')
    })
    // Runs only if "second" runs while this test is waiting.
    await second
    expect(currentScope().name).toBe('test "first"')
  })

  test.concurrent('second', async ({ expect }) => {
    const request = track(new AbortController(), { label: 'second request' })
    request.signal.addEventListener('abort', () => {
      log('concurrent: second request aborted')
    })
    await sleep(10)
    expect(currentScope().name).toBe('test "second"')
    secondDone()
  })
})

describe('a suite with an aroundEach hook of its own', () => {
  aroundEach(async (runTest, { task }) => {
    log(`own aroundEach: before "${task.name}", in ${currentScope().name}`)
    await runTest()
    let after: string
    try {
      track(new AbortController(), { label: 'tracked after the test' })
      after = `in ${currentScope().name}`
    } catch (error) {
      after = (error as Error).name
    }
    log(`own aroundEach: after "${task.name}", ${after}`)
  })

  test('runs inside it', () => {
    defer(() => {
      log('test: disposed')
    })
  })

  test.concurrent('runs concurrently inside it', () => {
    defer(() => {
      log('test: concurrent one disposed')
    })
  })
})

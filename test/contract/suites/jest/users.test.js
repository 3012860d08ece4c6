const { once } = require('node:events')
const { createServer, get } = require('node:http')
const { defer, defineFixture, track, use } = require('cleanroom')
const { log, registry } = require('./fixtures')

log(`loaded in process ${process.pid}, child of ${process.ppid}`)

const server = defineFixture({
  name: 'server',
  level: 'file',
  deps: { registry },
  setup: async ({ registry }, scope) => {
    const http = track(createServer((_, response) => response.end('ok')).listen(0, '127.0.0.1'))
    await once(http, 'listening')
    registry.set('server', http.address().port)
    scope.defer(() => log('file fixture: server closed'))
    return http
  },
})

const client = defineFixture({
  name: 'client',
  deps: { server },
  setup: ({ server }) => {
    defer(() => log('test fixture: client released'))
    return { url: `http://127.0.0.1:${server.address().port}/` }
  },
})

function fetchText(url) {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      let body = ''
      response.setEncoding('utf8').on('data', (chunk) => (body += chunk))
      response.on('end', () => resolve(body))
    }).on('error', reject)
  })
}

test('uses fixtures across levels', async () => {
  const { url } = await use(client)
  expect(await fetchText(url)).toBe('ok')
  track(
    setInterval(() => {}, 1_000),
    { label: 'poller' },
  )
  defer(() => log('test: poller stopped first'))
})

test('a failing disposer fails its test', () => {
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

describe('a suite', () => {
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
  expect(1 + 1).toBe(3)
})

// The leak corpus every runner's suite registers, in this order: each test that leaves a
// resource running is followed by a clean one. test/contract/leaks.test.ts reads it too.
const { spawn } = require('node:child_process')
const crypto = require('node:crypto')
const dgram = require('node:dgram')
const { once } = require('node:events')
const fs = require('node:fs')
const http = require('node:http')
const net = require('node:net')
const { monitorEventLoopDelay } = require('node:perf_hooks')
const { promisify } = require('node:util')
const { MessageChannel, Worker } = require('node:worker_threads')
const knex = require('knex')
// Names a leaked knex pool's interval and connections by the line that created the pool.
const { createTestKnex } = require('cleanroom/knex')

// CI's Node 24 run passes a better-sqlite3 binary built for it (node_modules holds Node 20's).
const sqlite = {
  client: 'better-sqlite3',
  connection: {
    filename: ':memory:',
    options: process.env.BETTER_SQLITE3_BINDING
      ? { nativeBinding: process.env.BETTER_SQLITE3_BINDING }
      : {},
  },
  useNullAsDefault: true,
}
const { startPoller } = require('./helper.cjs')

const log = (line) => fs.appendFileSync(process.env.ORDER_LOG, `${line}\n`)
const turn = () => new Promise((resolve) => setImmediate(resolve))
const tcp = (socket) =>
  `socket ${socket.localAddress}:${socket.localPort} → ${socket.remoteAddress}:${socket.remotePort}`

/** The file's own server: started before the file's tests, closed after them. */
let fileServer
/** The file's own knex instance, tracked in the file's scope; first queried by a test. */
let fileDb

async function startFileServer() {
  fileServer = http.createServer((_, response) => response.end('ok')).listen(0, '127.0.0.1')
  await once(fileServer, 'listening')
  fileDb = createTestKnex(sqlite)
}

function stopFileServer() {
  return new Promise((resolve) => fileServer.close(resolve))
}

function fetchText(port) {
  return new Promise((resolve, reject) => {
    http
      .get(`http://127.0.0.1:${port}/`, { agent: false }, (response) => {
        let body = ''
        response.setEncoding('utf8').on('data', (chunk) => (body += chunk))
        response.on('end', () => resolve(body))
      })
      .on('error', reject)
  })
}

/**
 * A leaking test: it logs the description its leak should be reported with. `site` names the
 * line, marked `// site: <site>` here or in helper.cjs, that creates the resource.
 */
const leak = (name, site, run) => ({
  name,
  leak: true,
  site,
  run: async () => log(`leak ${name}: ${await run()}`),
})
const clean = (name, run) => ({ name, leak: false, run })

const cases = [
  leak('leaks an interval', 'interval', () => {
    setInterval(function poll() {}, 1_000) // site: interval
    return 'setInterval(poll, 1000 ms)'
  }),
  clean('clears its interval', () => {
    const timer = setInterval(function poll() {}, 1_000)
    clearInterval(timer)
  }),

  leak('leaks an interval after an await', 'interval after await', async () => {
    await turn()
    setInterval(function refresh() {}, 500) // site: interval after await
    return 'setInterval(refresh, 500 ms)'
  }),
  clean('unrefs its interval', async () => {
    await turn()
    setInterval(function refresh() {}, 500).unref()
  }),

  leak('leaks an interval a helper started after awaits', 'poller', async () => {
    await startPoller()
    return 'setInterval(poll, 1000 ms)'
  }),
  clean('awaits 10,000 promises', async () => {
    let sum = 0
    for (let index = 0; index < 10_000; index++) sum += await Promise.resolve(index)
    if (sum !== 49_995_000) throw new Error(`sum ${sum}`)
  }),

  leak('leaks a 60 s timeout', 'timeout', () => {
    setTimeout(function later() {}, 60_000) // site: timeout
    return 'setTimeout(later, 60000 ms)'
  }),
  clean('enables then disables an event-loop histogram', async () => {
    const histogram = monitorEventLoopDelay({ resolution: 10 })
    histogram.enable()
    await new Promise((resolve) => setTimeout(resolve, 30))
    histogram.disable()
  }),

  leak('leaks a listening server', 'server', async () => {
    const server = http.createServer().listen(0, '127.0.0.1') // site: server
    await once(server, 'listening')
    return `http server 127.0.0.1:${server.address().port}`
  }),
  clean('closes its server and awaits the close', async () => {
    const server = http.createServer().listen(0, '127.0.0.1')
    await once(server, 'listening')
    await new Promise((resolve) => server.close(resolve))
  }),

  leak('leaks a socket connected to the file’s server', 'socket', async () => {
    const socket = net.connect(fileServer.address().port, '127.0.0.1') // site: socket
    await once(socket, 'connect')
    return tcp(socket)
  }),
  clean('destroys its socket', async () => {
    const socket = net.connect(fileServer.address().port, '127.0.0.1')
    await once(socket, 'connect')
    socket.destroy()
  }),

  leak('leaks a child process', 'child', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(()=>{}, 60000)']) // site: child
    await once(child, 'spawn')
    return `child process ${child.pid} (${process.execPath})`
  }),
  clean('kills its child process without awaiting its exit', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(()=>{}, 60000)'])
    await once(child, 'spawn')
    child.kill()
  }),

  leak('leaks a worker thread', 'worker', async () => {
    const worker = new Worker('setInterval(() => {}, 1000)', { eval: true }) // site: worker
    await once(worker, 'online')
    return `worker thread ${worker.threadId}`
  }),
  clean('terminates its worker thread without awaiting', async () => {
    const worker = new Worker('setInterval(() => {}, 1000)', { eval: true })
    await once(worker, 'online')
    void worker.terminate()
  }),

  leak('leaks an fs watcher', 'watcher', () => {
    fs.watch(__dirname) // site: watcher
    return 'fs watcher'
  }),
  clean('reads a file with fs.promises at its end', async () => {
    await fs.promises.readFile(__filename)
  }),

  leak('leaks a bound UDP socket', 'udp', async () => {
    const socket = dgram.createSocket('udp4').bind(0) // site: udp
    await once(socket, 'listening')
    return `UDP socket 0.0.0.0:${socket.address().port}`
  }),
  clean('closes its server without awaiting', async () => {
    const server = http.createServer().listen(0, '127.0.0.1')
    await once(server, 'listening')
    server.close()
  }),

  leak('leaks a message port', 'port', () => {
    const { port1 } = new MessageChannel() // site: port
    port1.on('message', () => {})
    return 'message port'
  }),
  clean('uses crypto', async () => {
    crypto.randomBytes(32)
    await promisify(crypto.pbkdf2)('secret', 'salt', 1_000, 32, 'sha256')
  }),
  leak('leaks a knex pool on better-sqlite3', 'knex', async () => {
    const db = knex(sqlite) // site: knex
    await db.raw('select 1')
    return 'setInterval(() => this.check(), 1000 ms) of knex pool (better-sqlite3) :memory:'
  }),
  clean('destroys its knex instance', async () => {
    const db = knex(sqlite)
    await db.raw('select 1')
    await db.destroy()
  }),
  clean('first queries the file’s knex instance (its pool starts its reap interval)', async () => {
    await fileDb.raw('select 1')
  }),
  clean('uses the file’s server', async () => {
    const body = await fetchText(fileServer.address().port)
    if (body !== 'ok') throw new Error(`got ${body}`)
  }),
  clean('starts an fs.promises stat it does not await, at its very end', async () => {
    await fs.promises.readFile(__filename)
    void fs.promises.stat(__filename)
  }),
]

module.exports = { cases, startFileServer, stopFileServer }

// The users app's test suite, written once for every runner: each runner's file passes in its
// own `describe` and `it`. cleanroom is installed by the runner's one line of config; nothing
// here installs it. What the suite creates is tracked, and torn down after each test in the
// reverse order of creation: background job, HTTP server, container, transaction; the pool
// when the file ends.
const assert = require('node:assert/strict')
const { once } = require('node:events')
const { writeFileSync, readFileSync } = require('node:fs')
const { request } = require('node:http')
const { join } = require('node:path')
const { createAsyncRunner, createTempDir, defineFixture, track, use } = require('cleanroom')
const { createTestKnex, useTransaction } = require('cleanroom/knex')
const { createTestContainer } = require('cleanroom/tsyringe')
const { SyncJob, UsersService } = require('../app/container.cjs')
const { migrate } = require('../app/database.cjs')
const { createUsersApi } = require('../app/http-api.cjs')
const { note } = require('../app/teardown-log.cjs')

// One database for the file: knex on an in-memory better-sqlite3, migrated once.
const database = defineFixture({
  name: 'database',
  level: 'file',
  setup: async () => {
    const binding = process.env.BETTER_SQLITE3_BINDING
    const db = createTestKnex({
      client: 'better-sqlite3',
      connection: { filename: ':memory:', options: binding ? { nativeBinding: binding } : {} },
      useNullAsDefault: true,
    })
    db.client.pool.on('poolDestroySuccess', () => note('knex pool destroyed'))
    await migrate(db)
    return db
  },
})

// Each test: a transaction rolled back after it, and a container whose 'Db' is that
// transaction, so every service the test resolves writes inside it.
async function app() {
  const trx = await useTransaction(await use(database))
  trx.executionPromise.then(() => note('transaction rolled back'))
  const container = createTestContainer(undefined, { overrides: [{ token: 'Db', useValue: trx }] })
  return { trx, container }
}

function call(url, method, body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false }, (response) => {
      let text = ''
      response.setEncoding('utf8').on('data', (chunk) => (text += chunk))
      response.on('end', () => resolve({ status: response.statusCode, body: JSON.parse(text) }))
    })
    req.on('error', reject)
    req.end(body === undefined ? undefined : JSON.stringify(body))
  })
}

module.exports = function usersSuite({ describe, it }) {
  describe('users app', () => {
    it('registers a user', async () => {
      const { container } = await app()
      const users = container.resolve(UsersService)
      await users.register('  Ada ')
      assert.deepEqual(await users.list(), [{ id: 1, name: 'Ada', synced: 0 }])
    })

    it('starts from an empty table: the previous test was rolled back', async () => {
      const { container } = await app()
      assert.deepEqual(await container.resolve(UsersService).list(), [])
    })

    it('refuses a duplicate name', async () => {
      const { container } = await app()
      const users = container.resolve(UsersService)
      await users.register('Grace')
      await assert.rejects(users.register('Grace'), /a user named Grace exists already/)
    })

    it('serves users over HTTP', async () => {
      const { container } = await app()
      const server = track(createUsersApi(container.resolve(UsersService)).listen(0, '127.0.0.1'))
      await once(server, 'listening')
      const url = `http://127.0.0.1:${server.address().port}/users`
      assert.equal((await call(url, 'POST', { name: 'Linus' })).status, 201)
      assert.deepEqual((await call(url, 'GET')).body, [{ id: 1, name: 'Linus', synced: 0 }])
    })

    it('syncs users in the background until the test ends', async () => {
      const { container } = await app()
      const users = container.resolve(UsersService)
      const job = container.resolve(SyncJob)
      const runner = createAsyncRunner({ label: 'background jobs' })
      await users.register('Barbara')
      void runner.run('sync users', (signal) => job.run(signal))
      while (job.passes < 2) await new Promise((resolve) => setTimeout(resolve, 5))
      assert.deepEqual(await users.list(), [{ id: 1, name: 'Barbara', synced: 1 }])
      // No stop here: the runner aborts the job's signal and waits for it when the test ends.
    })

    it('exports users to a temporary directory', async () => {
      const { container } = await app()
      const users = container.resolve(UsersService)
      await users.register('Edsger')
      const dir = createTempDir({ prefix: 'users-export-' })
      const file = join(dir, 'users.csv')
      writeFileSync(file, (await users.list()).map((u) => `${u.id},${u.name}`).join('\n'))
      assert.equal(readFileSync(file, 'utf8'), '1,Edsger')
      // The directory is removed when the test ends.
    })

    // Two mistakes, for the demo (DEMO_MISTAKES=1): cleanroom must catch both.
    if (process.env.DEMO_MISTAKES === '1') {
      it('forgets to stop its sync job', async () => {
        const { container } = await app()
        container.resolve(SyncJob).startPolling()
      })

      it('points the app at another API and leaves it so', async () => {
        process.env.USERS_API_URL = 'http://staging.invalid'
      })
    }
  })
}

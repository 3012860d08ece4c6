const { setTimeout: sleep } = require('node:timers/promises')
const { note } = require('./teardown-log.cjs')

// A background job: every `every` ms, it marks the users registered since its last pass as
// synced (a stand-in for pushing them to another system). It stops when its signal aborts.
class SyncJob {
  constructor(repository, every = 20) {
    this.repository = repository
    this.every = every
    this.passes = 0
  }

  async syncOnce() {
    const pending = await this.repository.unsynced()
    if (pending.length > 0) await this.repository.markSynced(pending.map((user) => user.id))
    this.passes++
    return pending.length
  }

  // Runs until `signal` aborts: the way to run it under a runner that can stop it.
  async run(signal) {
    try {
      while (!signal.aborted) {
        await this.syncOnce()
        await sleep(this.every, undefined, { signal })
      }
    } catch (error) {
      if (!signal.aborted) throw error
    }
    note(`sync job stopped after ${this.passes} passes`)
  }

  // Starts it on an interval with no way to stop it but the returned timer: easy to forget.
  startPolling() {
    return setInterval(function syncUsers() {}, 1_000)
  }
}

module.exports = { SyncJob }

const { note } = require('./teardown-log.cjs')

// Data access: every query goes through the knex instance it was given (in tests, the test's
// transaction), never a global one.
class UsersRepository {
  constructor(db) {
    this.db = db
  }

  async add(name) {
    const [id] = await this.db('users').insert({ name })
    return { id: typeof id === 'object' ? id.id : id, name, synced: false }
  }

  async list() {
    const rows = await this.db('users').select('id', 'name', 'synced').orderBy('id')
    // Users as this app's own plain objects: a native driver's rows come from Node's main
    // realm, which deep equality under Jest (a realm per test file) tells apart.
    return Array.from(rows, ({ id, name, synced }) => ({ id, name, synced }))
  }

  unsynced() {
    return this.db('users').where({ synced: false }).select('id', 'name')
  }

  markSynced(ids) {
    return this.db('users').whereIn('id', ids).update({ synced: true })
  }

  dispose() {
    note('UsersRepository disposed')
  }
}

module.exports = { UsersRepository }

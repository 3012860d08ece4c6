const { note } = require('./teardown-log.cjs')

// The rules: names are trimmed, non-empty and unique.
class UsersService {
  constructor(repository) {
    this.repository = repository
  }

  async register(name) {
    const trimmed = typeof name === 'string' ? name.trim() : ''
    if (trimmed === '') throw new Error('a user needs a name')
    const existing = await this.repository.list()
    if (existing.some((user) => user.name === trimmed)) {
      throw new Error(`a user named ${trimmed} exists already`)
    }
    return this.repository.add(trimmed)
  }

  list() {
    return this.repository.list()
  }

  dispose() {
    note('UsersService disposed')
  }
}

module.exports = { UsersService }

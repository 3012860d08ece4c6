// A small app wired with tsyringe, as a CommonJS project writes it: explicit tokens, since no
// decorator metadata is emitted without TypeScript's emitDecoratorMetadata.
require('reflect-metadata')
const { appendFileSync } = require('node:fs')
const { container, inject, injectable } = require('tsyringe')

const log = (line) => appendFileSync(process.env.ORDER_LOG, `${line}\n`)

class UsersRepository {
  constructor(db) {
    this.db = db
  }
  async dispose() {
    await new Promise((resolve) => setTimeout(resolve, 5))
    log(`UsersRepository ${this.db.name}`)
  }
}
inject('Db')(UsersRepository, undefined, 0)
injectable()(UsersRepository)

class UsersService {
  constructor(repository) {
    this.repository = repository
  }
  dispose() {
    log(`UsersService ${this.repository.db.name}`)
  }
}
inject(UsersRepository)(UsersService, undefined, 0)
injectable()(UsersService)

class Mailer {
  dispose() {
    log('Mailer')
    throw new Error('SMTP connection already closed')
  }
}

class SignupService {
  constructor(users, mailer) {
    this.users = users
    this.mailer = mailer
  }
  dispose() {
    log(`SignupService ${this.users.repository.db.name}`)
  }
}
inject(UsersService)(SignupService, undefined, 0)
inject('Mailer')(SignupService, undefined, 1)
injectable()(SignupService)

container.register('Mailer', { useClass: Mailer })

/** A transaction as the app's code receives it: owned by someone else, never disposed here. */
function fakeTransaction(name) {
  return {
    name,
    dispose() {
      log(`transaction ${name} disposed by the container`)
    },
  }
}

module.exports = { UsersService, SignupService, fakeTransaction, log }

require('reflect-metadata')
const { inject, injectable } = require('tsyringe')
const { SyncJob } = require('./sync-job.cjs')
const { UsersRepository } = require('./users-repository.cjs')
const { UsersService } = require('./users-service.cjs')

// Explicit tokens (no decorator metadata needed): the repository takes 'Db', the service the
// repository, the job the repository.
inject('Db')(UsersRepository, undefined, 0)
injectable()(UsersRepository)
inject(UsersRepository)(UsersService, undefined, 0)
injectable()(UsersService)
inject(UsersRepository)(SyncJob, undefined, 0)
injectable()(SyncJob)

module.exports = { SyncJob, UsersRepository, UsersService }

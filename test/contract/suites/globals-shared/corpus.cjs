// Tests as users write them, for each runner's suite to register: clean ones, one that changes
// global state and leaves it so, and one after it that records what it finds.
const { appendFileSync } = require('node:fs')

const onRejection = () => {}

/** Appends a line to the log the contract test reads. */
function record(line) {
  appendFileSync(process.env.ORDER_LOG, `${line}\n`)
}

const cases = [
  {
    name: 'reads the environment and waits on a timer',
    run: async () => {
      if (process.env.HOME === undefined) throw new Error('no HOME')
      await new Promise((resolve) => setTimeout(resolve, 1))
    },
  },
  {
    name: 'sets an env var and a listener, and puts them back',
    run: () => {
      process.env.FEATURE_FLAG = 'on'
      process.on('exit', onRejection)
      delete process.env.FEATURE_FLAG
      process.off('exit', onRejection)
    },
  },
  {
    name: 'points the app at another API and leaves it so',
    run: () => {
      process.env.USERS_API_URL = 'http://127.0.0.1:4010'
      process.on('unhandledRejection', onRejection)
    },
  },
  {
    name: 'sees the state the file started with',
    run: () => {
      const listener = process.listeners('unhandledRejection').includes(onRejection)
      record(
        `USERS_API_URL=${process.env.USERS_API_URL ?? 'unset'} listener=${listener ? 'left' : 'gone'}`,
      )
    },
  },
]

module.exports = { cases }

// Tests as users write them, for each runner's suite to register in a describe block named
// "records": one tracks a cleanup, one fails by itself, one leaves a poller running, one leaves
// a variable set, one is skipped. Run with CLEANROOM_REPORT, each should have its record.
const { defer } = require('cleanroom')

const cases = [
  {
    name: 'closes the pool it opened',
    run: () => {
      defer(() => undefined, { label: 'close the pool' })
    },
  },
  {
    name: 'fails by itself',
    run: () => {
      throw new Error('the answer was 41')
    },
  },
  {
    name: 'leaves a poller running',
    run: () => {
      setInterval(() => undefined, 60_000)
    },
  },
  {
    name: 'points the app at another API and leaves it so',
    run: () => {
      process.env.RECORDS_API_URL = 'http://127.0.0.1:9'
    },
  },
  { name: 'is not written yet', skip: true, run: () => undefined },
]

module.exports = { cases }

const { defer } = require('cleanroom')
const { log } = require('./fixtures')

log(`loaded in process ${process.pid}, child of ${process.ppid}`)

// Jest's own timeout for this file's tests and hooks: far below the cleanups' deadlines.
jest.setTimeout(100)

test('a slow cleanup meets its own deadline, not Jest’s hook timeout', () => {
  defer(
    async () => {
      await new Promise((resolve) => setTimeout(resolve, 300))
      log('test: slow flush done')
    },
    { label: 'slow flush', timeout: 1_000 },
  )
})

test('a hanging cleanup times out on real time, with fake timers left installed', () => {
  jest.useFakeTimers()
  defer(() => new Promise(() => {}), { label: 'stuck under fake timers', timeout: 200 })
})

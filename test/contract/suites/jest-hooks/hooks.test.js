const { appendFileSync } = require('node:fs')
const { defer } = require('cleanroom')

const log = (line) => appendFileSync(process.env.ORDER_LOG, `${line}\n`)

test('tears down what it deferred', () => {
  defer(() => log('test: cleaned up'))
})

test('fails when its cleanup fails', () => {
  defer(
    () => {
      throw new Error('the cache would not flush')
    },
    { label: 'flush cache' },
  )
})

test('runs after the failure', () => {
  defer(() => log('test after the failure: cleaned up'))
})

test('fails when it leaves an interval running', () => {
  setInterval(function poll() {}, 1_000)
})

// As under a runner other than jest-circus (jest-jasmine2): no array of event handlers on the
// test file's global, so cleanroom/jest registers Jest's hooks instead.
const { appendFileSync } = require('node:fs')

Reflect.deleteProperty(globalThis, Symbol.for('EVENT_HANDLERS'))
appendFileSync(
  process.env.ORDER_LOG,
  `event handlers hidden: ${String(!(Symbol.for('EVENT_HANDLERS') in globalThis))}\n`,
)

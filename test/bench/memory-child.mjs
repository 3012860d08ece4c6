// One measurement of test/bench/memory.ts, in a process of its own so the live heap is the
// program's and the padding's only (no TypeScript loader): cleanroom installed through its
// generic hooks adapter, the built package, with leak detection and the guard off and the
// given memory option; then `tests` empty tests. Prints { heap, msPerTest } as JSON.
// Usage: node test/bench/memory-child.mjs <off|on|every10> <pad bytes> <tests>
import { performance } from 'node:perf_hooks'
import { installCleanroom } from 'cleanroom/hooks'

const [mode = 'off', padText = '0', testsText = '10'] = process.argv.slice(2)
const memory = mode === 'off' ? false : mode === 'on' ? {} : { every: 10 }

/** Live heap as an application holds it: small objects with strings and arrays in them. */
const padding = []
const padBytes = Number(padText)
while (process.memoryUsage().heapUsed < padBytes) {
  for (let index = 0; index < 1_000; index++) {
    padding.push({ id: index, name: `user ${String(index)}`, tags: [index] })
  }
}

const hooks = { beforeEach: [], afterEach: [], beforeAll: [], afterAll: [] }
const installation = installCleanroom(
  {
    beforeEach: (hook) => void hooks.beforeEach.push(hook),
    afterEach: (hook) => void hooks.afterEach.push(hook),
    beforeAll: (hook) => void hooks.beforeAll.push(hook),
    afterAll: (hook) => void hooks.afterAll.push(hook),
  },
  { leaks: 'off', globals: 'off', memory },
)
const run = async (name) => {
  for (const hook of hooks[name]) await hook()
}

await run('beforeAll')
const tests = Number(testsText)
// Warm up: the first tests compile what the rest run.
for (let index = 0; index < 3; index++) {
  await run('beforeEach')
  await run('afterEach')
}
const started = performance.now()
for (let index = 0; index < tests; index++) {
  await run('beforeEach')
  await run('afterEach')
}
const msPerTest = (performance.now() - started) / tests
await run('afterAll')
await installation.dispose()
const { setFlagsFromString } = await import('node:v8')
const { runInNewContext } = await import('node:vm')
setFlagsFromString('--expose-gc')
runInNewContext('gc')()
console.log(
  JSON.stringify({ heap: process.memoryUsage().heapUsed, live: padding.length, msPerTest }),
)

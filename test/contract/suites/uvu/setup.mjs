// Binds cleanroom to uvu through the generic binder. uvu keeps hooks per suite, and a suite's
// run() clears them: the binder's hooks are kept here, and suite() adds them to each suite.
import { suite as uvuSuite } from 'uvu'
import { installCleanroom } from 'cleanroom/hooks'

const hooks = {}
installCleanroom({
  beforeEach: (hook) => (hooks.beforeEach = hook),
  afterEach: (hook) => (hooks.afterEach = hook),
  beforeAll: (hook) => (hooks.beforeAll = hook),
  afterAll: (hook) => (hooks.afterAll = hook),
  testName: (context) => context.__test__,
})

/**
 * uvu's suite(), with cleanroom: a test scope per test, and a file scope per suite. Use it, or
 * `test` below, in place of uvu's.
 */
export function suite(name, context) {
  const uvu = uvuSuite(name, context)
  // uvu runs the after.each hooks of a failed test in its catch, where a hook that throws ends
  // the suite unreported (the run can even exit 0). So the test scope's failure fails a test
  // that passed; for a test that failed, it is printed beside the test's own error.
  let passed = false
  const guard = (handler) => async (context) => {
    await handler(context)
    passed = true
  }
  const test = (name, handler) => uvu(name, guard(handler))
  test.only = (name, handler) => uvu.only(name, guard(handler))
  test.skip = uvu.skip
  test.before = uvu.before
  test.after = uvu.after
  const open = () => {
    uvu.before(hooks.beforeAll)
    uvu.before.each((context) => {
      passed = false
      hooks.beforeEach(context)
    })
  }
  test.run = () => {
    // Added last, so that cleanroom's teardown runs after the suite's own after hooks.
    uvu.after.each(async (context) => {
      if (passed) {
        passed = false
        return hooks.afterEach(context)
      }
      try {
        await hooks.afterEach(context)
      } catch (error) {
        console.error(`cleanroom: "${context.__test__}" failed, and so did its cleanup:`, error)
      }
    })
    uvu.after(hooks.afterAll)
    uvu.run()
    open() // run() emptied the suite: `test` can be used again in the next file.
  }
  open()
  return test
}

/** uvu's `test`, with cleanroom. */
export const test = suite()

const { cases } = require('./corpus.cjs')

for (const { name, run } of cases) test(name, run)

describe("Jest's own restoring", () => {
  test('uses fake timers and goes back to real ones', () => {
    jest.useFakeTimers()
    jest.advanceTimersByTime(1_000)
    jest.useRealTimers()
  })

  test('replaces an env var for Jest to restore in this test', () => {
    const replaced = jest.replaceProperty(process.env, 'HOME', '/tmp')
    replaced.restore()
  })
})

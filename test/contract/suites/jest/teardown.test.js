const { defer, defineFixture, use } = require('cleanroom')
const { log } = require('./fixtures')

log(`loaded in process ${process.pid}, child of ${process.ppid}`)

const queue = defineFixture({
  name: 'queue',
  level: 'file',
  setup: () => {
    defer(
      () => {
        throw new Error('the queue would not drain')
      },
      { label: 'drain queue' },
    )
    return []
  },
})

// Deferred as the file loads: it belongs to the file, and runs when the file ends.
defer(() => log('file: module-level cleanup ran'))

test('passes, but its file fixture fails to tear down', async () => {
  const jobs = await use(queue)
  jobs.push('job')
  expect(jobs).toHaveLength(1)
})

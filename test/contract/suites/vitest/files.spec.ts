import { beforeAll, test } from 'vitest'
import { defer } from 'cleanroom'

beforeAll(() => {
  defer(
    () => {
      throw new Error('the bucket is still in use')
    },
    { label: 'delete bucket' },
  )
})

test('passes while its file’s cleanup fails', () => {})

test('skips itself after registering a cleanup that fails', ({ skip }) => {
  defer(
    () => {
      throw new Error('could not remove the fixture files')
    },
    { label: 'remove fixture files' },
  )
  skip()
})

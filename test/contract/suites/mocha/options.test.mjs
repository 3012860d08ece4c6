import { defer } from 'cleanroom'

describe('with options', function () {
  it('a cleanup hangs past the installed timeout', function () {
    defer(() => new Promise(() => {}), { label: 'stuck queue' })
  })

  it('runs next', function () {})
})

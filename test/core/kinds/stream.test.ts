import { once } from 'node:events'
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Writable } from 'node:stream'
import { createScope } from 'cleanroom'
import { afterAll, describe, expect, test } from 'vitest'
import { activeResources, expectResourcesBackTo } from './active-resources.ts'

const dir = mkdtempSync(join(tmpdir(), 'cleanroom-stream-'))
const file = join(dir, 'data.txt')
writeFileSync(file, 'data')

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('stream kind', () => {
  test('destroys a stream and resolves once it has closed', async () => {
    const scope = createScope()
    const stream = scope.track(new PassThrough())
    let closed = false
    stream.on('close', () => (closed = true))

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'stream', label: 'stream PassThrough', outcome: 'ok' },
    ])
    expect(stream.destroyed).toBe(true)
    expect(closed).toBe(true)
  })

  test('closes the file descriptor of a file stream', async () => {
    const baseline = activeResources()
    const scope = createScope()
    const stream = scope.track(createReadStream(file))
    await once(stream, 'open')

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'stream', label: `stream ReadStream ${file}`, outcome: 'ok' },
    ])
    expect(stream.closed).toBe(true)
    await expectResourcesBackTo(baseline)
  })

  test('resolves for a stream already closed', async () => {
    const scope = createScope()
    const stream = scope.track(new PassThrough())
    stream.destroy()
    await once(stream, 'close')
    const report = await scope.dispose()
    expect(report.entries).toMatchObject([{ kind: 'stream', outcome: 'ok' }])
  })

  test('does not wait for a stream built not to emit close', async () => {
    const scope = createScope()
    const stream = scope.track(
      new Writable({
        emitClose: false,
        write: (_c, _e, done) => {
          done()
        },
      }),
    )
    const report = await scope.dispose()
    expect(report.entries).toMatchObject([{ kind: 'stream', label: 'stream Writable' }])
    expect(report.entries[0]?.outcome).toBe('ok')
    expect(stream.destroyed).toBe(true)
  })
})

import { mkdtempSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createScope } from 'cleanroom'
import { afterAll, describe, expect, test } from 'vitest'

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'cleanroom-file-handle-')))
const file = join(dir, 'data.txt')
writeFileSync(file, 'data')

/** The file an fd of this process refers to, on Linux; `undefined` when it is closed. */
function openFile(fd: number): string | undefined {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`)
  } catch {
    return undefined
  }
}

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('file-handle kind', () => {
  test('closes an open file handle', async () => {
    const scope = createScope()
    const handle = scope.track(await open(file))
    const fd = handle.fd
    if (process.platform === 'linux') expect(openFile(fd)).toBe(file)

    const report = await scope.dispose()

    expect(report.entries).toMatchObject([
      { kind: 'file-handle', label: `file handle fd ${fd}`, outcome: 'ok' },
    ])
    expect(handle.fd).toBe(-1)
    await expect(handle.readFile('utf8')).rejects.toMatchObject({ code: 'EBADF' })
    // The fd number may be reused since, but not for this file.
    if (process.platform === 'linux') expect(openFile(fd)).not.toBe(file)
  })

  test('resolves for a handle already closed', async () => {
    const scope = createScope()
    const handle = scope.track(await open(file))
    await handle.close()
    const report = await scope.dispose()
    expect(report.entries).toMatchObject([
      { kind: 'file-handle', label: 'file handle (closed)', outcome: 'ok' },
    ])
  })
})

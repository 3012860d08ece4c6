import { describe, expect, it } from 'vitest'
import { createStatusLine } from '../../src/cli/status-line.ts'

/** A stream that records what is written to it. */
function fakeStream(isTTY: boolean, columns = 40): NodeJS.WriteStream & { written: string[] } {
  const written: string[] = []
  return {
    isTTY,
    columns,
    written,
    write: (text: string) => {
      written.push(text)
      return true
    },
  } as unknown as NodeJS.WriteStream & { written: string[] }
}

describe('the status line', () => {
  it('rewrites one terminal line in place, cut to its width, and erases it at the end', () => {
    const stream = fakeStream(true, 20)
    const line = createStatusLine(stream)
    line.update('short')
    line.update('a status far wider than the terminal')
    line.clear()
    expect(stream.written).toEqual(['\r\x1b[2Kshort', '\r\x1b[2Ka status far wider…', '\r\x1b[2K'])
  })

  it('writes nothing when the stream is not a terminal', () => {
    const stream = fakeStream(false)
    const line = createStatusLine(stream)
    line.update('status')
    line.clear()
    expect(stream.written).toEqual([])
  })
})

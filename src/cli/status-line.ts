/** A line on a terminal, rewritten in place. */
export interface StatusLine {
  /** Replaces the line with `text` (cut to the terminal's width). */
  update(text: string): void
  /** Erases the line, leaving the cursor at its start. */
  clear(): void
}

/**
 * The live status line of `cleanroom run`, on `stream` when it is a terminal; nothing otherwise
 * (a pipe, a file, CI logs). It shares the terminal with the command's own output: a line the
 * command prints may start after the status text, which the next update then leaves above it.
 */
export function createStatusLine(stream: NodeJS.WriteStream): StatusLine {
  if (!stream.isTTY) return { update: () => undefined, clear: () => undefined }
  let shown = false
  return {
    update(text) {
      const width = Math.max(10, (stream.columns || 80) - 1)
      // \r to the line's start, ESC[2K erases it.
      stream.write(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`)
      shown = true
    },
    clear() {
      if (shown) stream.write('\r\x1b[2K')
      shown = false
    },
  }
}

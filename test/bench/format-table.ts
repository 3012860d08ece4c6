/** How a column lines up: numbers read best right-aligned. */
export type Align = 'left' | 'right'

export interface Column {
  readonly title: string
  readonly align?: Align
}

/**
 * Renders rows as a plain-text table with aligned columns and a rule under the header, the
 * same text in a terminal and pasted into Markdown as a code block.
 */
export function formatTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
): string {
  const widths = columns.map((column, index) =>
    Math.max(column.title.length, ...rows.map((row) => (row[index] ?? '').length)),
  )
  const line = (cells: readonly string[]): string =>
    columns
      .map((column, index) => {
        const cell = cells[index] ?? ''
        const width = widths[index] ?? 0
        return column.align === 'right' ? cell.padStart(width) : cell.padEnd(width)
      })
      .join('  ')
      .trimEnd()
  const rule = widths.map((width) => '-'.repeat(width)).join('  ')
  return [line(columns.map((column) => column.title)), rule, ...rows.map(line)].join('\n')
}

/** `PASS` or `FAIL`. */
export function verdict(pass: boolean): string {
  return pass ? 'PASS' : 'FAIL'
}

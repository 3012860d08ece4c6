import { truncateMiddle } from './format.ts'

/** One column of a plain-text table. */
export interface TextColumn {
  readonly header: string
  readonly align?: 'left' | 'right'
  /** Whether this column takes what the width leaves (and is cut to fit). One column a table. */
  readonly flexible?: boolean
}

const length = (text: string): number => Array.from(text).length

/**
 * A plain-text table, its columns aligned, two spaces apart, indented by two, no line longer
 * than `width`: the flexible column takes the space the others leave, and its cells are cut in
 * the middle (`test/db.te…inserts a row`) when they do not fit.
 */
export function formatTable(
  columns: readonly TextColumn[],
  rows: readonly (readonly string[])[],
  width: number,
): string[] {
  const widths = columns.map((column, index) =>
    Math.max(length(column.header), ...rows.map((row) => length(row[index] ?? ''))),
  )
  const flexible = columns.findIndex((column) => column.flexible === true)
  const indent = 2
  const gaps = 2 * (columns.length - 1)
  if (flexible !== -1) {
    const others = widths.reduce((sum, w, index) => (index === flexible ? sum : sum + w), 0)
    const room = Math.max(12, width - indent - gaps - others)
    widths[flexible] = Math.min(widths[flexible] ?? 0, room)
  }
  const formatRow = (cells: readonly string[]): string => {
    const parts = columns.map((column, index) => {
      const w = widths[index] ?? 0
      const cell = truncateMiddle(cells[index] ?? '', w)
      const pad = ' '.repeat(Math.max(0, w - length(cell)))
      return column.align === 'right' ? pad + cell : cell + pad
    })
    return `${' '.repeat(indent)}${parts.join('  ')}`.trimEnd()
  }
  return [formatRow(columns.map((column) => column.header)), ...rows.map(formatRow)]
}

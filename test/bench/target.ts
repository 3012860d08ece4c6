/** One target a benchmark checks, with what was measured against it. */
export interface TargetCheck {
  /** What is measured, e.g. `dispose, lifo, async, 100k entries`. */
  readonly name: string
  /** The measured figure, with its unit. */
  readonly measured: string
  /** The bound, with its unit, e.g. `≤ 5 µs/entry`. */
  readonly target: string
  readonly pass: boolean
}

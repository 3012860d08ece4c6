/** The median of a non-empty list of samples. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new RangeError('median: expected at least one sample')
  const sorted = [...samples].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  const upper = sorted[middle] as number
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] as number) + upper) / 2
}

/** One checked test: its position in the file (1 for the first test) and the heap after it. */
export interface HeapSample {
  readonly test: number
  /** Bytes in use after the test's teardown and a forced collection. */
  readonly heap: number
}

/** A least-squares line through a file's samples. */
export interface HeapTrend {
  /** Bytes a test. */
  readonly slope: number
  /** How well the line fits, 0 to 1: near 1 when the heap climbs steadily. */
  readonly r2: number
  /** The fitted growth from the first checked test to the last, bytes. */
  readonly growth: number
  readonly samples: number
}

/** At least this many checked tests before a trend is read: fewer is noise. */
export const minTrendSamples = 8
/** Bytes a test the heap must grow by, on the fitted line, for the trend to be reported. */
export const minTrendSlope = 100e3
/** How straight the climb must be: a step (one test filling a cache) fits a line poorly. */
export const minTrendFit = 0.8

/** The least-squares line through `samples`, or undefined for fewer than two. */
export function fitTrend(samples: readonly HeapSample[]): HeapTrend | undefined {
  const count = samples.length
  if (count < 2) return undefined
  let meanX = 0
  let meanY = 0
  for (const sample of samples) {
    meanX += sample.test / count
    meanY += sample.heap / count
  }
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (const sample of samples) {
    const dx = sample.test - meanX
    const dy = sample.heap - meanY
    sxy += dx * dy
    sxx += dx * dx
    syy += dy * dy
  }
  if (sxx === 0) return undefined
  const slope = sxy / sxx
  const r2 = syy === 0 ? 0 : (sxy * sxy) / (sxx * syy)
  const first = samples[0] as HeapSample
  const last = samples[count - 1] as HeapSample
  return { slope, r2, growth: slope * (last.test - first.test), samples: count }
}

/** Whether a trend is steady growth worth reporting. */
export function isSteadyGrowth(trend: HeapTrend | undefined): trend is HeapTrend {
  return (
    trend !== undefined &&
    trend.samples >= minTrendSamples &&
    trend.slope >= minTrendSlope &&
    trend.r2 >= minTrendFit
  )
}

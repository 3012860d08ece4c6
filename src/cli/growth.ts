import type { RunGrowth, RunSample } from '../reporters/run-report.ts'

/** The longest warm-up left out of the fit, in milliseconds. */
export const maxWarmUpMs = 10_000
/** The share of the run left out of the fit as warm-up, up to {@link maxWarmUpMs}. */
export const warmUpShare = 0.2
/** The fewest samples a line is fitted through. */
export const minFittedSamples = 5

/**
 * The growth of the tree's memory: the least-squares line through the samples taken after the
 * warm-up (by default the first 20 % of the run, at most 10 s, while the runtime and the test
 * files load). Its rise over the fitted span is what `--max-growth` is compared with: unlike
 * last − first, one sample taken in the middle of a collection or a burst moves it little.
 *
 * @param samples - the samples, in time order
 * @param warmUpMs - the warm-up, ms from the start (`--warm-up`); the default when `undefined`
 * @returns the fit, or `undefined` when fewer than {@link minFittedSamples} follow the warm-up
 */
export function fitGrowth(samples: readonly RunSample[], warmUpMs?: number): RunGrowth | undefined {
  const last = samples.at(-1)
  if (last === undefined) return undefined
  const fromMs = warmUpMs ?? Math.min(maxWarmUpMs, last.t * warmUpShare)
  const fitted = samples.filter((sample) => sample.t >= fromMs)
  const first = fitted[0]
  if (first === undefined || fitted.length < minFittedSamples) return undefined
  const n = fitted.length
  // Times in seconds from the first fitted sample, bytes as they are.
  let sumT = 0
  let sumY = 0
  for (const sample of fitted) {
    sumT += (sample.t - first.t) / 1000
    sumY += sample.rss
  }
  const meanT = sumT / n
  const meanY = sumY / n
  let covariance = 0
  let variance = 0
  for (const sample of fitted) {
    const dt = (sample.t - first.t) / 1000 - meanT
    covariance += dt * (sample.rss - meanY)
    variance += dt * dt
  }
  if (variance === 0) return undefined
  const bytesPerSecond = covariance / variance
  return {
    bytesPerSecond,
    fittedBytes: (bytesPerSecond * (last.t - first.t)) / 1000,
    fromMs: first.t,
    toMs: last.t,
    samples: n,
  }
}

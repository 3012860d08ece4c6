import { describe, expect, it } from 'vitest'
import { fitGrowth } from '../../src/cli/growth.ts'

const samples = (count: number, rssAt: (t: number) => number, everyMs = 250) =>
  Array.from({ length: count }, (_, index) => {
    const t = (index + 1) * everyMs
    return { t, rss: rssAt(t), processes: 1 }
  })

describe('fitGrowth', () => {
  it('fits the slope after the warm-up, and the rise of the line over the fitted span', () => {
    // A steep warm-up (the runtime loading), then 1 MB/s.
    const growth = fitGrowth(
      samples(40, (t) => (t < 2000 ? t * 50_000 : 100e6 + (t - 2000) * 1000)),
    )
    expect(growth?.fromMs).toBe(2000)
    expect(growth?.toMs).toBe(10_000)
    expect(growth?.samples).toBe(33)
    expect(growth?.bytesPerSecond).toBeCloseTo(1e6, 0)
    expect(growth?.fittedBytes).toBeCloseTo(8e6, 0)
  })

  it('leaves at most 10 s out as warm-up', () => {
    expect(fitGrowth(samples(400, () => 5e6))?.fromMs).toBe(10_000)
  })

  it('finds no growth in flat samples, however noisy one of them is', () => {
    const growth = fitGrowth(samples(40, (t) => (t === 5000 ? 80e6 : 50e6)))
    expect(Math.abs(growth?.fittedBytes ?? Infinity)).toBeLessThan(3e6)
  })

  it('leaves out the warm-up it is given', () => {
    const growth = fitGrowth(
      samples(40, (t) => (t < 5000 ? t * 50_000 : 250e6)),
      5000,
    )
    expect(growth?.fromMs).toBe(5000)
    expect(growth?.bytesPerSecond).toBe(0)
  })

  it('fits nothing with fewer than 5 samples after the warm-up', () => {
    expect(fitGrowth([])).toBeUndefined()
    expect(fitGrowth(samples(4, (t) => t))).toBeUndefined()
    expect(fitGrowth(samples(5, (t) => t))?.samples).toBe(5)
  })
})

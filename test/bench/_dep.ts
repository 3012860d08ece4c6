import { createScope } from 'cleanroom'
import { forceGc } from './force-gc.ts'
const N = 100_000
const noop = () => {}
for (let r = 0; r < 8; r++) {
  const values: object[] = []
  const scope = createScope({ timeout: 1e9, budget: 1e9, order: 'dependencies', concurrency: 64 })
  let seed = 1
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
  for (let i = 0; i < N; i++) {
    const v = { id: i }
    scope.track(v, { dispose: noop, dependsOn: i < 2 ? [] : [values[Math.floor(rnd() * i)] as object, values[Math.floor(rnd() * i)] as object] })
    values.push(v)
  }
  forceGc()
  const t = performance.now()
  await scope.dispose()
  console.log('dispose µs/entry', (((performance.now() - t) * 1000) / N).toFixed(2))
}

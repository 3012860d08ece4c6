import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// From Node 22 on, most of Node's web globals (TextDecoder, Headers, AbortController, the
// streams…) are lazy data properties: V8 loads their module when the property's descriptor, or
// its value, is first read. The guard's default (light) baseline must read neither, or starting
// it loads undici and the rest in every test process (30–50 ms per Vitest worker on Node 24).
// Run in a fresh process, where nothing has read them yet; under Node 20, which has no such
// properties, nothing loads either way.

const runtime = fileURLToPath(new URL('../../src/runtime/runtime.ts', import.meta.url))
const options = fileURLToPath(new URL('../../src/runtime/options.ts', import.meta.url))

const script = `
const { Runtime } = await import(${JSON.stringify(runtime)})
const { resolveSettings } = await import(${JSON.stringify(options)})
const before = process.moduleLoadList.length
const runtime = new Runtime(resolveSettings({ leaks: 'off', globals: 'warn' }, {}))
await runtime.beginFile('lazy.test.js')
runtime.beginTest('reads nothing')
const failure = await runtime.endTest()
await runtime.endFile()
await runtime.endWorker()
console.log(JSON.stringify({ loaded: process.moduleLoadList.slice(before), failure: String(failure) }))
`

describe("the global-state guard's light baseline", () => {
  it("loads none of Node's lazy globals: a test's start and end in a fresh process load no module", () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', script],
      { encoding: 'utf8', env: { ...process.env, CLEANROOM_GLOBALS: '', CLEANROOM_TRACE: '' } },
    )
    expect(result.stderr).toBe('')
    const { loaded, failure } = JSON.parse(result.stdout) as { loaded: string[]; failure: string }
    expect(failure).toBe('undefined')
    expect(loaded).toEqual([])
  })
})

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { afterAll, describe, expect, it } from 'vitest'
import type { SuiteRun } from './run-suite.ts'
import { contractRunners, type Results } from './runners.ts'

// One corpus of tests (suites/leaks-shared/corpus.cjs), each leaking test followed by a clean
// one, registered by each runner's suite with the README's one-line install, and run in that
// runner's own CLI: every leak fails its test and names the resource, every clean test passes,
// and the run exits by itself, the leaks force-closed.
const require = createRequire(import.meta.url)
const shared = new URL('suites/leaks-shared/', import.meta.url)

afterAll(() => {
  dispose()
})

interface Case {
  readonly name: string
  readonly leak: boolean
  /** The marker, `// site: <site>` in corpus.cjs or helper.cjs, of the line that leaks. */
  readonly site?: string
}

const { cases } = require('./suites/leaks-shared/corpus.cjs') as { cases: readonly Case[] }
const leaks = cases.filter((c) => c.leak)
const timersAndWatchers = new Set([
  'interval',
  'interval after await',
  'poller',
  'timeout',
  'watcher',
])

/** `file:line` of the line marked `// site: <site>` in the shared files. */
function siteLine(site: string): string {
  for (const file of ['corpus.cjs', 'helper.cjs']) {
    const lines = readFileSync(new URL(file, shared), 'utf8').split('\n')
    const index = lines.findIndex((line) => line.endsWith(`// site: ${site}`))
    if (index !== -1) return `${file}:${String(index + 1)}`
  }
  throw new Error(`no line marked "// site: ${site}"`)
}

const timeoutMs = 15_000
const { runners, dispose } = contractRunners({
  suites: {
    nodeTest: 'leaks-node-test',
    vitest: 'leaks-vitest',
    jest: 'leaks-jest',
    mocha: 'leaks-mocha',
  },
  jestConfig: '--rootDir=.',
  mochaFile: 'leaks.test.cjs',
  isTest: (name) => cases.some((c) => c.name === name),
  options: (env) => ({ env, timeoutMs, with: ['leaks-shared'], link: ['knex', 'better-sqlite3'] }),
})

/** The resources a leak failure lists: each line `- <description>[ created at <site>]`. */
function listed(failure: string) {
  return [...failure.matchAll(/^\s*- (.+?)(?: created at (\S+?)(?: \(from (\S+)\))?)?$/gm)].map(
    ([, description, created, from]) => ({ description, created, from }),
  )
}

/** The strings of a JSON report, or the text itself when it is not JSON. */
function strings(text: string): string[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return [text]
  }
  const found: string[] = []
  const visit = (node: unknown): void => {
    if (typeof node === 'string') found.push(node)
    else if (typeof node === 'object' && node !== null) Object.values(node).forEach(visit)
  }
  visit(value)
  return found
}

/** Every owner a leak failure in the run's output names: `test "name"`, `file x.test.mjs`. */
function owners(run: SuiteRun): string[] {
  const text = [...strings(run.stdout), run.stderr].join('\n')
  const named = [...text.matchAll(/(\w+ (?:"[^"\n]*"|\S+)) left \d+ resources? running:/g)]
  return [...new Set(named.map((m) => m[1] ?? ''))]
}

/** The description each leaking test logged for its leak. */
function logged(run: SuiteRun): Map<string, string> {
  const entries = run.order.map((line) => /^leak (.+?): (.+)$/.exec(line) ?? [])
  return new Map(entries.map(([, name = '', description = '']) => [name, description]))
}

describe.each(runners)('leak detection under $title', (runner) => {
  describe.each([
    { mode: 'by default', env: { CLEANROOM_TRACE: '', CLEANROOM_LEAKS: '' }, trace: false },
    {
      mode: 'with CLEANROOM_TRACE=1',
      env: { CLEANROOM_TRACE: '1', CLEANROOM_LEAKS: '' },
      trace: true,
    },
  ])('$mode', ({ env, trace }) => {
    let run: SuiteRun
    let results: Results

    it('runs the corpus and exits by itself within 10 s, failing', async () => {
      run = await runner.run(env)
      expect(run.timedOut, run.stderr).toBe(false)
      expect(run.durationMs).toBeLessThan(10_000)
      expect(run.code).not.toBe(0)
      results = runner.results(run)
    })

    it('fails every leaking test and passes every clean one', () => {
      expect(results.tests).toEqual(cases.map((c) => [c.name, !c.leak]))
    })

    it('charges each leak to its test, and nothing to the file or the worker', () => {
      expect(owners(run).sort()).toEqual(leaks.map((c) => `test "${c.name}"`).sort())
    })

    it('names the one resource each leaking test left running, and force-closes it', () => {
      // Each test logged the description of what it leaked. All are checked at once, so that a
      // failure shows every test that is off.
      const descriptions = logged(run)
      expect([...descriptions.keys()]).toEqual(leaks.map((c) => c.name))
      const reported = (failure: string) => ({
        heading: /^.*left \d+ resources? running:$/m
          .exec(failure)?.[0]
          .trim()
          .replace(/^\w*Error: /, ''),
        resources: listed(failure).map((r) => r.description),
        closed: failure.includes('They were force-closed.'),
      })
      expect(new Map(leaks.map(({ name }) => [name, reported(results.failure(name))]))).toEqual(
        new Map(
          leaks.map(({ name }) => [
            name,
            {
              heading: `test "${name}" left 1 resource running:`,
              resources: [descriptions.get(name)],
              closed: true,
            },
          ]),
        ),
      )
    })

    if (trace) {
      it('shows where each leak was created: the line of the test or helper that created it', () => {
        const created = (name: string) => listed(results.failure(name))[0]?.created
        const site = ({ site = '' }: Case): unknown =>
          expect.stringMatching(new RegExp(`^${siteLine(site)}:\\d+$`))
        expect(new Map(leaks.map(({ name }) => [name, created(name)]))).toEqual(
          new Map(leaks.map((c) => [c.name, site(c)])),
        )
      })
    } else {
      it('leaves timers and fs watchers without a creation site, and says how to get one', () => {
        for (const { name, site = '' } of leaks.filter((c) =>
          timersAndWatchers.has(c.site ?? ''),
        )) {
          const failure = results.failure(name)
          expect(listed(failure)[0]?.created, `${name} (${site})`).toBeUndefined()
          expect(failure, name).toContain('Run with CLEANROOM_TRACE=1')
        }
      })

      it('names the line that created a knex pool whose interval leaked, without trace', () => {
        const name = 'leaks a knex pool on better-sqlite3'
        expect(listed(results.failure(name))[0]?.created).toMatch(
          new RegExp(`^${siteLine('knex')}:\\d+$`),
        )
      })
    }
  })
})

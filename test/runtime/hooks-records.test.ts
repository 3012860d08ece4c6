import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { defer } from 'cleanroom'
import { installCleanroom } from 'cleanroom/hooks'
// Internal: the reader `cleanroom report` uses.
import { readRecords } from '../../src/reporters/read-records.ts'
import { fakeRunner } from '../helpers/fake-runner.ts'
import { installedRuntime } from '../helpers/process-values.ts'

const dir = mkdtempSync(join(tmpdir(), 'cleanroom-hooks-records-'))

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  // Leave the process as this file found it: no runtime installed.
  installedRuntime().runtime = undefined
})

describe('cleanroom/hooks with the report option', () => {
  it('records each test under its name, with the outcome testOutcome gives, failed where cleanroom failed it, and fails a test whose testOutcome answers nonsense', async () => {
    const { runner, run } = fakeRunner()
    const installation = installCleanroom(
      { ...runner, testOutcome: (outcome: string) => outcome as 'passed' },
      { report: dir, leaks: 'off', globals: 'off' },
    )
    await run('beforeAll')
    const ran = async (name: string, outcome: string, body: () => void = () => undefined) => {
      await run('beforeEach', name)
      body()
      return run('afterEach', outcome).then(
        () => undefined,
        (error: unknown) => error,
      )
    }
    expect(await ran('passes', 'passed')).toBeUndefined()
    expect(await ran('fails by itself', 'failed')).toBeUndefined()
    const cleanupFailed = await ran('fails its cleanup', 'passed', () => {
      defer(() => {
        throw new Error('the queue refused the ack')
      })
    })
    expect(cleanupFailed).toMatchObject({ code: 'ERR_CLEANROOM_CLEANUP' })
    const nonsense = await ran('answers nonsense', 'green')
    expect(nonsense).toBeInstanceOf(TypeError)
    expect((nonsense as Error).message).toBe(
      "installCleanroom: expected `testOutcome` to return 'passed', 'failed' or 'skipped', got \"green\"",
    )
    expect(await ran('after', 'skipped')).toBeUndefined()
    await run('afterAll')
    await installation.dispose()

    const records = readRecords([dir]).records.map(({ record }) => record)
    expect(records.map((r) => [r.runner, r.test, r.outcome])).toEqual([
      ['hooks', ['passes'], 'passed'],
      ['hooks', ['fails by itself'], 'failed'],
      ['hooks', ['fails its cleanup'], 'failed'],
      ['hooks', ['answers nonsense'], 'failed'],
      ['hooks', ['after'], 'skipped'],
    ])
  })
})

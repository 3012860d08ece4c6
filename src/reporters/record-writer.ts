import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { join, resolve } from 'node:path'
import {
  recordsSchema,
  type NewTestRecord,
  type RecordWriter,
  type ShardRecord,
  type TestRecord,
} from './records.ts'
import { validateTestRecord } from './validate-record.ts'

const shardPattern = /^\s*(\d+)\s*\/\s*(\d+)\s*$/

/**
 * Reads the shard of a sharded run from `CLEANROOM_SHARD` (`2/4`: the second of four), the same
 * `<index>/<count>` that `vitest --shard` and `jest --shard` take.
 *
 * @param env - the environment to read, `process.env` by default
 * @returns the shard, or `undefined` when the variable is unset or empty
 * @throws {TypeError} when it is set to something else than `<index>/<count>`, 1 ≤ index ≤ count
 * @example
 * ```ts
 * readShard({ CLEANROOM_SHARD: '2/4' }) // { index: 2, count: 4 }
 * ```
 */
export function readShard(env: NodeJS.ProcessEnv = process.env): ShardRecord | undefined {
  const text = env.CLEANROOM_SHARD ?? ''
  if (text === '') return undefined
  const match = shardPattern.exec(text)
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  if (match === null || index < 1 || index > count) {
    throw new TypeError(
      `Expected CLEANROOM_SHARD to be <index>/<count> with 1 ≤ index ≤ count, such as 2/4, got \`${text}\`. Set it as you set --shard for the runner, or unset it.`,
    )
  }
  return { index, count }
}

/**
 * A name no other process writes: the host (runs sharded over machines), the pid, 6 random bytes.
 * `node:os` and `node:crypto` are taken when a run writes records, not when the runtime loads:
 * imported as ES modules, `node:crypto` alone costs every test file about 3.5 ms (its facade
 * reads every export, `webcrypto` included), and most runs write none.
 */
function recordsFileName(): string {
  const { hostname } = process.getBuiltinModule('node:os')
  const { randomBytes } = process.getBuiltinModule('node:crypto')
  const host = hostname().replaceAll(/[^\w.-]/g, '_') || 'host'
  return `records-${host}-${process.pid}-${randomBytes(6).toString('hex')}.jsonl`
}

/**
 * Creates the writer of this process's records in `dir`: one file of JSON lines,
 * `<dir>/records-<hostname>-<pid>-<random>.jsonl`, that no other process writes (it is created
 * with the `wx` flag, which fails if it exists), so parallel workers and shards never share a
 * file. The directory is created if needed; the file on the first write, so a process that runs
 * no test leaves none.
 *
 * @param dir - the records directory (`CLEANROOM_REPORT`)
 * @param env - where `CLEANROOM_SHARD` is read, `process.env` by default
 * @returns the writer; each `write()` appends one line synchronously
 * @throws {TypeError} when `dir` is not a non-empty string, or `CLEANROOM_SHARD` is malformed
 * @throws {Error} when the directory cannot be created (the file system's error)
 * @example
 * ```ts
 * const writer = createRecordWriter('reports')
 * writer.write({
 *   runner: 'vitest',
 *   file: 'test/db.test.ts',
 *   test: ['db', 'inserts a row'],
 *   outcome: 'passed',
 *   durationMs: 12,
 *   teardown: [{ label: 'knex pool', kind: 'knex', outcome: 'ok', durationMs: 3 }],
 *   leaks: [],
 *   globalState: [],
 * })
 * writer.close()
 * ```
 */
export function createRecordWriter(
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
): RecordWriter {
  // Checked for callers without types: the runtime passes what CLEANROOM_REPORT holds.
  const given: unknown = dir
  if (typeof given !== 'string' || given === '') {
    throw new TypeError(
      `Expected the records directory to be a non-empty string, got ${given === '' ? 'an empty string' : typeof given}.`,
    )
  }
  const shard = readShard(env)
  const absolute = resolve(dir)
  mkdirSync(absolute, { recursive: true })
  const file = join(absolute, recordsFileName())
  let state: { state: 'unopened' } | { state: 'open'; fd: number } | { state: 'closed' } = {
    state: 'unopened',
  }
  return {
    file,
    write(input: NewTestRecord): void {
      if (state.state === 'closed') {
        throw new Error(`cleanroom: the records file ${file} is closed; write before close().`)
      }
      const record: TestRecord = {
        schema: recordsSchema,
        ...input,
        timestamp: input.timestamp ?? new Date().toISOString(),
        pid: process.pid,
        ...(shard === undefined ? {} : { shard }),
      }
      const problem = validateTestRecord(record)
      if (problem !== undefined) throw new TypeError(`Invalid test record: ${problem}.`)
      if (state.state === 'unopened') state = { state: 'open', fd: openSync(file, 'wx') }
      writeSync(state.fd, `${JSON.stringify(record)}\n`)
    },
    close(): void {
      if (state.state === 'open') closeSync(state.fd)
      state = { state: 'closed' }
    },
  }
}

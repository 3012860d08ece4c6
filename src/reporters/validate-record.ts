import { recordsSchema } from './records.ts'

type Check = (value: unknown) => boolean

const isString: Check = (value) => typeof value === 'string'
const isCount: Check = (value) => typeof value === 'number' && Number.isFinite(value) && value >= 0
const isNumber: Check = (value) => typeof value === 'number' && Number.isFinite(value)
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  const json = JSON.stringify(value)
  return json.length > 40 ? `${json.slice(0, 40)}…` : json
}

/** The first problem with `value[key]`, or `undefined`. */
function checkField(
  value: Record<string, unknown>,
  path: string,
  key: string,
  check: Check,
  expected: string,
  optional = false,
): string | undefined {
  const field = value[key]
  if (optional && field === undefined) return undefined
  return check(field) ? undefined : `${path}${key} should be ${expected}, got ${describe(field)}`
}

function checkList(
  value: Record<string, unknown>,
  key: string,
  checkItem: (item: unknown, path: string) => string | undefined,
): string | undefined {
  const list = value[key]
  if (!Array.isArray(list)) return `${key} should be an array, got ${describe(list)}`
  for (const [index, item] of list.entries()) {
    const problem = checkItem(item, `${key}[${index}].`)
    if (problem !== undefined) return problem
  }
  return undefined
}

function checkTeardown(item: unknown, path: string): string | undefined {
  if (!isObject(item)) return `${path.slice(0, -1)} should be an object, got ${describe(item)}`
  return (
    checkField(item, path, 'label', isString, 'a string') ??
    checkField(item, path, 'kind', isString, 'a string') ??
    checkField(
      item,
      path,
      'outcome',
      (v) => v === 'ok' || v === 'error' || v === 'timeout',
      "'ok', 'error' or 'timeout'",
    ) ??
    checkField(item, path, 'durationMs', isCount, 'a number of milliseconds') ??
    checkField(item, path, 'created', isString, 'a string', true)
  )
}

function checkLeak(item: unknown, path: string): string | undefined {
  if (!isObject(item)) return `${path.slice(0, -1)} should be an object, got ${describe(item)}`
  return (
    checkField(item, path, 'kind', isString, 'a string') ??
    checkField(item, path, 'description', isString, 'a string') ??
    checkField(item, path, 'created', isString, 'a string', true)
  )
}

function checkMemory(memory: unknown): string | undefined {
  if (memory === undefined) return undefined
  if (!isObject(memory)) return `memory should be an object, got ${describe(memory)}`
  return (
    checkField(memory, 'memory.', 'heapBeforeBytes', isCount, 'a number of bytes', true) ??
    checkField(memory, 'memory.', 'heapAfterBytes', isCount, 'a number of bytes', true) ??
    checkField(memory, 'memory.', 'deltaBytes', isNumber, 'a number of bytes', true)
  )
}

function checkShard(shard: unknown): string | undefined {
  if (shard === undefined) return undefined
  if (
    !isObject(shard) ||
    !Number.isInteger(shard.index) ||
    !Number.isInteger(shard.count) ||
    (shard.index as number) < 1 ||
    (shard.index as number) > (shard.count as number)
  ) {
    return `shard should be { index, count } with 1 ≤ index ≤ count, got ${describe(shard)}`
  }
  return undefined
}

/**
 * Checks one parsed record line against `cleanroom-records/1`.
 *
 * @param value - the parsed JSON of one line
 * @returns the first problem found, in words (`leaks[0].kind should be a string, got 3`), or
 *   `undefined` when `value` is a `TestRecord`
 */
export function validateTestRecord(value: unknown): string | undefined {
  if (!isObject(value)) return `a record should be a JSON object, got ${describe(value)}`
  if (value.schema !== recordsSchema) {
    return `schema should be '${recordsSchema}', got ${describe(value.schema)}`
  }
  return (
    checkField(value, '', 'runner', isString, 'a string') ??
    checkField(value, '', 'file', isString, 'a string') ??
    checkField(
      value,
      '',
      'test',
      (v) => Array.isArray(v) && v.length > 0 && v.every(isString),
      'a non-empty array of strings',
    ) ??
    checkField(
      value,
      '',
      'outcome',
      (v) => v === 'passed' || v === 'failed' || v === 'skipped',
      "'passed', 'failed' or 'skipped'",
    ) ??
    checkField(value, '', 'durationMs', isCount, 'a number of milliseconds') ??
    checkList(value, 'teardown', checkTeardown) ??
    checkList(value, 'leaks', checkLeak) ??
    checkList(value, 'globalState', (item, path) =>
      isString(item) ? undefined : `${path.slice(0, -1)} should be a string, got ${describe(item)}`,
    ) ??
    checkMemory(value.memory) ??
    checkField(
      value,
      '',
      'timestamp',
      (v) => isString(v) && !Number.isNaN(Date.parse(v as string)),
      'an ISO 8601 date',
    ) ??
    checkField(value, '', 'pid', (v) => Number.isInteger(v) && (v as number) > 0, 'a process id') ??
    checkShard(value.shard)
  )
}

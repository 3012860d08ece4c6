import { isRegistry, type Registry } from '../core/registry.ts'
import {
  assertKnownKeys,
  assertOptionalDeadline,
  assertPlainObject,
  describeValue,
} from '../core/validate.ts'

/**
 * Options of `installCleanroom()`, for every runner. They set up the worker, file and test
 * scopes the runtime creates.
 */
export interface CleanroomOptions {
  /** Deadline in ms for each disposer in the runtime's scopes. Default 5,000. */
  timeout?: number
  /** Deadline in ms for each scope's whole `dispose()`. Default 10,000. */
  budget?: number
  /** Where `track()` finds kinds. Default: `defaultRegistry`. */
  registry?: Registry
}

const optionKeys = ['timeout', 'budget', 'registry'] as const

/**
 * Checks `installCleanroom()` options: an unknown option or a wrong type is a `TypeError`
 * naming it and the value received, at install time.
 */
export function validateOptions(options: unknown, call: string): CleanroomOptions {
  if (options === undefined) return {}
  assertPlainObject(options, call, 'options')
  assertKnownKeys(options, optionKeys, call)
  const o = options as CleanroomOptions
  assertOptionalDeadline(o.timeout, call, 'timeout')
  assertOptionalDeadline(o.budget, call, 'budget')
  if (o.registry !== undefined && !isRegistry(o.registry)) {
    throw new TypeError(
      `${call}: expected \`registry\` to be a registry from createRegistry(), got ${describeValue(o.registry)}`,
    )
  }
  return o
}

/**
 * Argument checks shared by every public entry point: each throws a `TypeError` that names
 * the call, the option and the value received.
 */

/** A short, safe rendering of a received value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  switch (typeof value) {
    case 'undefined':
      return 'undefined'
    case 'string':
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value)
    case 'symbol':
      return value.toString()
    case 'function':
      return value.name === '' ? 'an anonymous function' : `function ${value.name}`
    default: {
      if (Array.isArray(value)) return `an array of ${value.length}`
      const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)
        ?.constructor?.name
      if (name === undefined || name === 'Object') return 'an object'
      return `${'AEIOUaeiou'.includes(name.charAt(0)) ? 'an' : 'a'} ${name}`
    }
  }
}

export function assertPlainObject(
  value: unknown,
  call: string,
  what: string,
): asserts value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(
      `${call}: expected \`${what}\` to be an object, got ${describeValue(value)}`,
    )
  }
}

export function assertKnownKeys(value: object, known: readonly string[], call: string): void {
  for (const key in value) {
    if (!known.includes(key)) {
      throw new TypeError(
        `${call}: unknown option \`${key}\`. Known options: ${known.map((k) => `\`${k}\``).join(', ')}`,
      )
    }
  }
}

export function assertFunction(value: unknown, call: string, what: string): void {
  if (typeof value !== 'function') {
    throw new TypeError(
      `${call}: expected \`${what}\` to be a function, got ${describeValue(value)}`,
    )
  }
}

export function assertOptionalString(value: unknown, call: string, what: string): void {
  if (value !== undefined && typeof value !== 'string') {
    throw new TypeError(`${call}: expected \`${what}\` to be a string, got ${describeValue(value)}`)
  }
}

/** A deadline: a positive number of milliseconds, `Infinity` allowed. */
export function assertOptionalDeadline(value: unknown, call: string, what: string): void {
  if (value === undefined) return
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new TypeError(
      `${call}: expected \`${what}\` to be a positive number of milliseconds, got ${describeValue(value)}`,
    )
  }
}

export function assertOptionalPositiveInteger(value: unknown, call: string, what: string): void {
  if (value === undefined) return
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TypeError(
      `${call}: expected \`${what}\` to be a positive integer, got ${describeValue(value)}`,
    )
  }
}

export function assertOptionalOneOf(
  value: unknown,
  allowed: readonly string[],
  call: string,
  what: string,
): void {
  if (value === undefined) return
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new TypeError(
      `${call}: expected \`${what}\` to be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describeValue(value)}`,
    )
  }
}

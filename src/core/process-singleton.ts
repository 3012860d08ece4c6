/**
 * Where this copy of cleanroom keeps its process-wide values: one object on `globalThis`, under
 * `Symbol.for('cleanroom')`, which every copy loaded in the process (the ESM and CommonJS
 * builds, one per Jest module registry) finds. Looked up once per copy: under Jest,
 * `globalThis` is a `vm` context's, where every property lookup goes through the context's
 * interceptors.
 */
let values: Record<string, unknown> | undefined

/**
 * One value per process, shared by every copy of cleanroom loaded in it, under `name`. The
 * first copy to ask creates it.
 */
export function processSingleton<Value>(name: string, create: () => Value): Value {
  if (values === undefined) {
    const holder = globalThis as Record<symbol, Record<string, unknown> | undefined>
    const key = Symbol.for('cleanroom')
    values = holder[key] ??= Object.create(null) as Record<string, unknown>
  }
  if (!(name in values)) values[name] = create()
  return values[name] as Value
}

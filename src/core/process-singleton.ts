/**
 * One value per process, kept on `globalThis` under `Symbol.for('cleanroom.<name>')`, so that
 * every copy of cleanroom loaded in the process (the ESM and CommonJS builds, one per Jest
 * module registry) shares it. The first copy to ask creates it.
 */
export function processSingleton<Value>(name: string, create: () => Value): Value {
  const key = Symbol.for(`cleanroom.${name}`)
  const holder = globalThis as Record<symbol, unknown>
  if (!(key in holder)) holder[key] = create()
  return holder[key] as Value
}

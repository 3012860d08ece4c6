/**
 * The process-wide value `name` that every copy of cleanroom in this process shares (see
 * `src/core/process-singleton.ts`): `runtime`, `tempDirs`, ….
 */
export function processValue(name: string): unknown {
  const holder = (globalThis as Record<symbol, Record<string, unknown> | undefined>)[
    Symbol.for('cleanroom')
  ]
  return holder?.[name]
}

/** The installed runtime's holder, whose `runtime` a test file clears to leave none installed. */
export function installedRuntime(): { runtime: { endWorker(): Promise<unknown> } | undefined } {
  return (
    (processValue('runtime') as ReturnType<typeof installedRuntime> | undefined) ?? {
      runtime: undefined,
    }
  )
}

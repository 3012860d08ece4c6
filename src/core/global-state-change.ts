/** What a test changed in one place of the global state, as the guard reports it. */
export interface GlobalStateChange {
  /** Which kind of global state. */
  readonly kind:
    | 'env'
    | 'global'
    | 'cwd'
    | 'exitCode'
    | 'listeners'
    | 'defaultMaxListeners'
    | 'stackTraceLimit'
    | 'fakeTimers'
  /**
   * Where: `process.env.API_URL`, `globalThis.fetch`, `process.cwd()`, `process.exitCode`,
   * `process.listeners('exit')`, `EventEmitter.defaultMaxListeners`, `Error.stackTraceLimit`,
   * `fake timers`. What an `ignore` string is compared with.
   */
  readonly name: string
  /** The change, as the report reads: `set process.env.API_URL`. */
  readonly description: string
}

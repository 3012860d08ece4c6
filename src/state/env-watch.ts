/**
 * Sees writes to `process.env` as they are made, so that a test that wrote nothing is known to
 * have left the environment as it found it without listing it: for a runner whose
 * `process.env` is the test file's own object, which under Jest is a `Proxy` already (listing
 * its names costs a test about 10 µs). `process.env` becomes a `Proxy` over it that notes every
 * `set`, `deleteProperty` and `defineProperty` and passes it on; reads and listings go straight
 * through.
 *
 * Not for Node's own `process.env`, which `structuredClone` and child processes take as it is:
 * a `Proxy` cannot be cloned. Jest's could not either.
 */
export class EnvWatch {
  readonly #proxy: NodeJS.ProcessEnv
  #written = false

  private constructor(env: NodeJS.ProcessEnv) {
    const mark = () => {
      this.#written = true
    }
    this.#proxy = new Proxy(env, {
      set(target, key, value) {
        mark()
        return Reflect.set(target, key, value)
      },
      deleteProperty(target, key) {
        mark()
        return Reflect.deleteProperty(target, key)
      },
      defineProperty(target, key, descriptor) {
        mark()
        return Reflect.defineProperty(target, key, descriptor)
      },
    })
  }

  /**
   * Puts the watch over `process.env`.
   * @returns the watch, or undefined when `process.env` cannot be replaced
   */
  static install(): EnvWatch | undefined {
    const watch = new EnvWatch(process.env)
    try {
      process.env = watch.#proxy
    } catch {
      return undefined
    }
    return process.env === watch.#proxy ? watch : undefined
  }

  /**
   * Whether nothing was written to `process.env` since the last {@link EnvWatch.reset} (and
   * it was not replaced): then it holds what it held then. A write through a reference to the
   * object taken before the watch was put in place is not seen.
   */
  get unchanged(): boolean {
    return !this.#written && process.env === this.#proxy
  }

  /** Starts watching afresh: what is in `process.env` now is what {@link EnvWatch.unchanged} compares with. */
  reset(): void {
    this.#written = false
  }
}

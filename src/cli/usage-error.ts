/**
 * A command line the `cleanroom` command cannot run: an unknown flag, a bad value, a missing
 * command. The command prints its message, with a pointer to `--help`, and exits with code 2.
 * It never leaves the CLI, so it is not one of the library's exported errors.
 */
export class UsageError extends Error {
  /** `ERR_CLEANROOM_USAGE`, in the family of the library's error codes. */
  readonly code = 'ERR_CLEANROOM_USAGE'

  /** @param message - what is wrong with the command line, and what to write instead */
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

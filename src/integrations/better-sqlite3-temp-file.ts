import { mkdtempSync, rmdirSync, unlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The files SQLite keeps beside a database file, by suffix. */
const companionSuffixes = ['-wal', '-shm', '-journal'] as const

/** A database file cleanroom made, in a directory of its own. */
export interface TempDatabaseFile {
  /** The directory, fresh from `mkdtemp`. */
  readonly directory: string
  /** The database file inside it. */
  readonly file: string
}

/** Makes a fresh directory under the OS temp dir (mode 0700) for one database file. */
export function makeTempDatabaseFile(): TempDatabaseFile {
  const directory = mkdtempSync(join(tmpdir(), 'cleanroom-sqlite-'))
  return { directory, file: join(directory, 'test.db') }
}

/**
 * Removes the database file, its `-wal`, `-shm` and `-journal` files and the directory: only
 * what cleanroom made, by name (nothing recursive). A directory that still holds other files
 * is left, and the failure (`ENOTEMPTY`, naming it) thrown. Safe to call twice.
 */
export function removeTempDatabaseFile(temp: TempDatabaseFile): void {
  for (const path of [temp.file, ...companionSuffixes.map((suffix) => temp.file + suffix)]) {
    removeIfPresent(() => {
      unlinkSync(path)
    })
  }
  removeIfPresent(() => {
    rmdirSync(temp.directory)
  })
}

function removeIfPresent(remove: () => void): void {
  try {
    remove()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}

import { createRequire } from 'node:module'
import type { SqliteDatabase, SqliteOptions } from 'cleanroom/better-sqlite3'

/** better-sqlite3's constructor, typed with cleanroom's types (the package ships none). */
export type DatabaseConstructor = new (
  filename: string | Buffer,
  options?: SqliteOptions,
) => SqliteDatabase

const require = createRequire(import.meta.url)

/**
 * better-sqlite3's own options for every database the tests open: under CI on Node 24 the
 * addon in node_modules is built for Node 20, and `BETTER_SQLITE3_BINDING` names one built
 * for the running Node.
 */
export const sqliteOptions: SqliteOptions = { nativeBinding: process.env.BETTER_SQLITE3_BINDING }

/** better-sqlite3, as the rest of the process loads it. */
export const Database = require('better-sqlite3') as DatabaseConstructor

/**
 * A second copy of better-sqlite3's JavaScript, as a module registry reset gives one: its
 * `Database` is another class, so `instanceof` against the first fails.
 */
export function loadSeparateCopy(): DatabaseConstructor {
  const libDir = require.resolve('better-sqlite3').replace(/index\.js$/, '')
  const cached = Object.keys(require.cache).filter(
    (path) => path.startsWith(libDir) && path.endsWith('.js'),
  )
  const saved = cached.map((path) => [path, require.cache[path]] as const)
  for (const path of cached) Reflect.deleteProperty(require.cache, path)
  try {
    return require('better-sqlite3') as DatabaseConstructor
  } finally {
    // Put the first copy back, so that later imports in this process get the usual one.
    for (const [path, module] of saved) require.cache[path] = module
  }
}

import knex from 'knex'

/** The database servers this machine runs for the tests, and how to reach each. */
/** How to reach one server. */
export interface ServerConfig {
  readonly client: string
  readonly connection: { host: string; port: number; user: string; database: string }
}

export const servers: Record<'PostgreSQL' | 'MariaDB', ServerConfig> = {
  PostgreSQL: {
    client: 'pg',
    connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' },
  },
  MariaDB: {
    client: 'mysql2',
    connection: { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' },
  },
}

export type ServerName = keyof typeof servers

/**
 * Whether `name` answers. Without it, its tests are skipped with a notice on stderr; under
 * `CI=true` a missing server fails the run instead.
 */
export async function serverAvailable(name: ServerName): Promise<boolean> {
  const db = knex({ ...servers[name], pool: { min: 0, max: 1 }, acquireConnectionTimeout: 3_000 })
  try {
    await db.raw('select 1')
    return true
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    if (process.env.CI === 'true') {
      throw new Error(`${name} is not reachable (${reason}); under CI=true its tests must run.`, {
        cause: error,
      })
    }
    process.stderr.write(
      `\n  NOTICE: ${name} is not reachable (${reason}): its tests are SKIPPED.\n\n`,
    )
    return false
  } finally {
    await db.destroy()
  }
}

/** A name no other test run uses: for the schema or database a test creates and drops. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${String(process.pid)}_${Math.random().toString(36).slice(2, 8)}`
}

/** better-sqlite3 options for this Node: CI's Node 24 run passes a binary built for it. */
export function sqliteOptions(): { nativeBinding?: string } {
  const binding = process.env.BETTER_SQLITE3_BINDING
  return binding === undefined || binding === '' ? {} : { nativeBinding: binding }
}

import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, test } from 'vitest'

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const project = fileURLToPath(new URL('better-sqlite3-consumer/tsconfig.json', import.meta.url))

// The type tests in this folder share one program with src/, where the kind name is declared
// too; this project sees only the published .d.ts files, as a user's project does.
test('a user importing cleanroom/better-sqlite3 gets the kind name, in ESM and CommonJS', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [tsc, '-p', project]).catch(
    (error: unknown) => ({ stdout: (error as { stdout: string }).stdout }),
  )
  expect(stdout).toBe('')
})

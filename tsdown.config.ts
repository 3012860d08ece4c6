import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig, type UserConfig } from 'tsdown'

const entries: Record<string, string> = {
  index: 'src/index.ts',
  hooks: 'src/adapters/hooks.ts',
  'node-test': 'src/adapters/node-test.ts',
  'node-test-register': 'src/adapters/node-test-register.ts',
  vitest: 'src/adapters/vitest.ts',
  'vitest-setup': 'src/adapters/vitest-setup.ts',
  jest: 'src/adapters/jest.ts',
  'jest-setup': 'src/adapters/jest-setup.ts',
  mocha: 'src/adapters/mocha.ts',
  knex: 'src/integrations/knex.ts',
  'better-sqlite3': 'src/integrations/better-sqlite3.ts',
  tsyringe: 'src/integrations/tsyringe.ts',
}
// An entry still being written has no source yet; publint then reports its missing export.
const entry = Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file)))

/** The entries' own modules, by absolute path: each stays in its entry's file. */
const entryModules = new Set(Object.values(entry).map((file) => resolve(file)))

/**
 * Every module of `src/` that two or more entries share goes into one chunk. Under a test
 * runner, each module file costs its own load in every test file (Vitest starts a process per
 * file and its module loader's hooks see every import; Jest builds a module registry per file),
 * about 2 ms a module here: one shared chunk instead of eight saves more than the larger parse
 * costs. An entry's own module never goes there, or the shared chunk would import the runners.
 */
const sharedGroup = {
  name: 'shared',
  test: (id: string): boolean => /[\\/]src[\\/]/.test(id) && !entryModules.has(resolve(id)),
  minShareCount: 2,
}

const config: UserConfig[] = defineConfig([
  {
    entry,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    // The types come from the build below: grouped chunks would rename the .d.ts chunks too
    // and leave imports of the old names behind.
    dts: false,
    sourcemap: true,
    // TSDoc stays in the .d.ts files; the JavaScript ships without comments, which every
    // process (and Jest, every test file) would parse again.
    outputOptions: { comments: false, codeSplitting: { groups: [sharedGroup] } },
    clean: true,
  },
  {
    // The ESM types alone, chunked as the modules are.
    entry,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    dts: { emitDtsOnly: true },
    clean: false,
  },
  {
    // Jest on Node < 24.9 cannot require() ESM, and p-timeout is ESM-only:
    // the CommonJS build carries its own copy.
    entry,
    format: 'cjs',
    platform: 'node',
    target: 'node20.19',
    dts: true,
    sourcemap: true,
    clean: false,
    deps: { alwaysBundle: ['p-timeout'] },
    // Rolldown's own helpers in a chunk of their own: left in the shared chunk, every entry that
    // requires a `node:` module would load that whole chunk (under Jest, in every test file).
    // The groups apply to the JavaScript only, not to the build of the .d.cts files.
    outputOptions: (options, _format, { cjsDts }) =>
      cjsDts
        ? options
        : {
            ...options,
            comments: false,
            codeSplitting: {
              groups: [
                { name: 'rolldown-runtime', test: /rolldown[\\/]runtime/, priority: 1 },
                {
                  ...sharedGroup,
                  test: (id: string) => sharedGroup.test(id) || /p-timeout/.test(id),
                },
              ],
            },
          },
  },
  {
    // The `cleanroom` bin: ESM only, no types (nothing imports it). Its shebang makes tsdown mark
    // dist/cli.mjs executable.
    entry: { cli: 'src/cli/main.ts' },
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    dts: false,
    sourcemap: true,
    outputOptions: { comments: false },
    clean: false,
  },
])

export default config

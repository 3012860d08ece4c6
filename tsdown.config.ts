import { existsSync } from 'node:fs'
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

const config: UserConfig[] = defineConfig([
  {
    entry,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    dts: true,
    sourcemap: true,
    // TSDoc stays in the .d.ts files; the JavaScript ships without comments, which every
    // process (and Jest, every test file) would parse again.
    outputOptions: { comments: false },
    clean: true,
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
    // Rolldown's own helpers in a chunk of their own: left in a shared chunk, every entry that
    // requires a `node:` module would load that whole chunk (under Jest, in every test file).
    outputOptions: {
      comments: false,
      codeSplitting: { groups: [{ name: 'rolldown-runtime', test: /rolldown[\\/]runtime/ }] },
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

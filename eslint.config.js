// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/** ESLint globals: each name read-only. */
const readonlyGlobals = (names) => Object.fromEntries(names.map((name) => [name, 'readonly']))

/**
 * A contract suite's files, plain JavaScript written as that runner's users write it: no type
 * checking, the runner's globals, `require` allowed.
 */
const contractSuite = (files, globals, { commonjs = false } = {}) => ({
  files,
  extends: [tseslint.configs.disableTypeChecked],
  languageOptions: {
    ...(commonjs ? { sourceType: 'commonjs' } : {}),
    globals: readonlyGlobals(globals),
  },
  rules: { '@typescript-eslint/no-require-imports': 'off' },
})

/** Packages that only integrations, adapters or tests may import. */
const frameworksAndDrivers = [
  'vitest',
  'vitest/*',
  '@vitest/*',
  'jest',
  '@jest/*',
  'mocha',
  'node:test',
  'knex',
  'better-sqlite3',
  'pg',
  'mysql2',
  'tsyringe',
  'reflect-metadata',
]

export default tseslint.config(
  { ignores: ['dist/', 'docs/api/', 'node_modules/', 'coverage/', '.ci/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
    },
  },
  {
    // core/ is the engine every layer stands on: no runner, driver or DI library, and
    // no import from the layers above it.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: frameworksAndDrivers,
              message: 'src/core imports no test framework, driver or DI library.',
            },
            {
              group: [
                '**/leaks/*',
                '**/state/*',
                '**/memory/*',
                '**/runtime/*',
                '**/adapters/*',
                '**/integrations/*',
                '**/reporters/*',
                '**/cli/*',
              ],
              message: 'Imports flow one way: src/core imports no other layer.',
            },
          ],
        },
      ],
    },
  },
  {
    // leaks/ stands on core/ alone: the runtime and the adapters are above it.
    files: ['src/leaks/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: frameworksAndDrivers,
              message: 'src/leaks imports no test framework, driver or DI library.',
            },
            {
              group: [
                '**/state/*',
                '**/memory/*',
                '**/runtime/*',
                '**/adapters/*',
                '**/integrations/*',
                '**/reporters/*',
                '**/cli/*',
              ],
              message: 'Imports flow one way: src/leaks imports src/core only.',
            },
          ],
        },
      ],
    },
  },
  {
    // state/ stands on core/ alone, like leaks/: the runtime uses it, not the other way.
    files: ['src/state/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: frameworksAndDrivers,
              message: 'src/state imports no test framework, driver or DI library.',
            },
            {
              group: [
                '**/leaks/*',
                '**/memory/*',
                '**/runtime/*',
                '**/adapters/*',
                '**/integrations/*',
                '**/reporters/*',
                '**/cli/*',
              ],
              message: 'Imports flow one way: src/state imports src/core only.',
            },
          ],
        },
      ],
    },
  },
  {
    // memory/ stands on core/ alone, like state/: the runtime uses it, and the cli may.
    files: ['src/memory/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: frameworksAndDrivers,
              message: 'src/memory imports no test framework, driver or DI library.',
            },
            {
              group: [
                '**/leaks/*',
                '**/state/*',
                '**/runtime/*',
                '**/adapters/*',
                '**/integrations/*',
                '**/reporters/*',
                '**/cli/*',
              ],
              message: 'Imports flow one way: src/memory imports src/core only.',
            },
          ],
        },
      ],
    },
  },
  {
    // Each integration is the only file importing its package, and stands on core/ plus the
    // public test-time helpers (it tracks what it creates in the current scope).
    files: ['src/integrations/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['vitest', 'vitest/*', '@vitest/*', 'jest', '@jest/*', 'mocha', 'node:test'],
              message: 'An integration imports no test framework.',
            },
            {
              group: [
                '**/leaks/*',
                '**/state/*',
                '**/memory/*',
                '**/runtime/*',
                '**/adapters/*',
                '**/reporters/*',
                '**/cli/*',
              ],
              message:
                'Imports flow one way: an integration imports src/core only (the runtime registers how core finds the current scope).',
            },
          ],
        },
      ],
    },
  },
  {
    // reporters/ turns records into text, JSON and HTML: it stands on core/ alone, so the
    // runtime can load the record writer and the CLI the rest, without a runner or a driver.
    files: ['src/reporters/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: frameworksAndDrivers,
              message: 'src/reporters imports no test framework, driver or DI library.',
            },
            {
              group: [
                '**/leaks/*',
                '**/state/*',
                '**/memory/*',
                '**/runtime/*',
                '**/adapters/*',
                '**/integrations/*',
                '**/cli/*',
              ],
              message: 'Imports flow one way: src/reporters imports src/core only.',
            },
          ],
        },
      ],
    },
  },
  {
    // cli/ is the `cleanroom` command: it stands on core/, the reporters and memory/, and runs
    // the test command in a process of its own, so it needs no runner, driver or runtime.
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: frameworksAndDrivers,
              message: 'src/cli imports no test framework, driver or DI library.',
            },
            {
              group: [
                '**/leaks/*',
                '**/state/*',
                '**/runtime/*',
                '**/adapters/*',
                '**/integrations/*',
              ],
              message:
                'Imports flow one way: src/cli imports src/core, src/reporters and src/memory.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      // Plain-JavaScript files here are Node programs: example suites, scripts, fixtures.
      globals: readonlyGlobals([
        'process',
        'console',
        'setTimeout',
        'setInterval',
        'clearInterval',
        'URL',
        'AbortController',
      ]),
    },
  },
  // The Jest contract suites are written as Jest users write them: CommonJS, with Jest's globals.
  contractSuite(
    [
      'test/contract/suites/jest/**/*.js',
      'test/contract/suites/jest-hooks/**/*.js',
      'test/contract/suites/jest-report/**/*.js',
    ],
    ['require', 'module', 'describe', 'test', 'expect', 'jest', 'afterEach', 'afterAll'],
    { commonjs: true },
  ),
  // The Mocha contract suite is written as Mocha users write it: ESM and CommonJS files, with
  // Mocha's globals.
  contractSuite(
    ['test/contract/suites/mocha/**/*.mjs', 'test/contract/suites/mocha/**/*.cjs'],
    [
      'process',
      'setInterval',
      'describe',
      'it',
      'before',
      'after',
      'beforeEach',
      'afterEach',
      'require',
      'module',
    ],
  ),
  // The leak contract suites: one CommonJS corpus (leaks-shared) that each runner's suite
  // registers, as that runner's users write tests, with its globals (below).
  contractSuite(
    ['test/contract/suites/leaks-*/**/*.js', 'test/contract/suites/leaks-*/**/*.cjs'],
    [
      'require',
      'module',
      '__dirname',
      '__filename',
      'process',
      'setImmediate',
      'setInterval',
      'setTimeout',
      'clearInterval',
    ],
    { commonjs: true },
  ),
  // The global-state contract suites: a shared CommonJS corpus, registered by each runner's
  // suite as its users write tests, with that runner's globals (Jest's below).
  contractSuite(
    ['test/contract/suites/globals-*/**/*.js', 'test/contract/suites/globals-*/**/*.cjs'],
    ['require', 'module', 'process', 'setTimeout'],
    { commonjs: true },
  ),
  {
    files: ['test/contract/suites/globals-jest/**/*.js'],
    languageOptions: { globals: readonlyGlobals(['test', 'describe', 'jest']) },
  },
  // The memory contract suites: a shared CommonJS corpus, registered by each runner's suite as
  // its users write tests (Jest's with its globals).
  contractSuite(
    ['test/contract/suites/memory-*/**/*.js', 'test/contract/suites/memory-*/**/*.cjs'],
    ['require', 'module'],
    { commonjs: true },
  ),
  {
    files: ['test/contract/suites/memory-jest/**/*.js'],
    languageOptions: { globals: readonlyGlobals(['test']) },
  },
  {
    files: ['test/contract/suites/memory-mocha/**/*.cjs'],
    languageOptions: { globals: readonlyGlobals(['describe', 'it']) },
  },
  // The per-test records contract suites: a shared CommonJS corpus, registered by each
  // runner's suite as its users write tests (Jest's and Mocha's with their globals).
  contractSuite(
    ['test/contract/suites/records-*/**/*.js', 'test/contract/suites/records-*/**/*.cjs'],
    ['require', 'module', 'process', 'setInterval'],
    { commonjs: true },
  ),
  {
    files: ['test/contract/suites/records-jest/**/*.js'],
    languageOptions: { globals: readonlyGlobals(['describe', 'test']) },
  },
  {
    files: ['test/contract/suites/records-mocha/**/*.cjs'],
    languageOptions: { globals: readonlyGlobals(['describe', 'it']) },
  },
  // The example app: CommonJS, as its users' code and tests are written; its test files take
  // the runners' globals.
  contractSuite(
    ['docs/examples/users-app/**/*.cjs'],
    [
      'require',
      'module',
      '__dirname',
      'process',
      'setInterval',
      'setTimeout',
      'console',
      'URL',
      'describe',
      'it',
    ],
    { commonjs: true },
  ),
  // The tsyringe contract suites: a CommonJS app, and node:test and Jest files, as their users
  // write them (the Vitest file is ESM, under the plain-JavaScript rules above).
  contractSuite(
    ['test/contract/suites/tsyringe-*/**/*.cjs'],
    ['require', 'module', 'process', 'setTimeout'],
    { commonjs: true },
  ),
  {
    files: ['test/contract/suites/tsyringe-jest/**/*.cjs'],
    languageOptions: { globals: readonlyGlobals(['test', 'expect']) },
  },
  {
    files: ['test/contract/suites/leaks-jest/**/*.js'],
    languageOptions: { globals: readonlyGlobals(['test', 'beforeAll', 'afterAll']) },
  },
  {
    files: ['test/contract/suites/leaks-mocha/**/*.cjs'],
    languageOptions: { globals: readonlyGlobals(['describe', 'it', 'before', 'after']) },
  },
)

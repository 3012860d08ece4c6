import { existsSync, rmSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { RolldownMagicString, type ChunkingContext, type Plugin } from 'rolldown'
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

/** The runner adapters' entries: what a setup file loads, under Jest into every test file. */
const adapterEntries = [
  'hooks',
  'node-test',
  'node-test-register',
  'vitest',
  'vitest-setup',
  'jest',
  'jest-setup',
  'mocha',
].flatMap((name) => (entry[name] === undefined ? [] : [resolve(entry[name])]))

/** The modules the adapters import, statically, directly or not: the runtime. */
function runtimeModules(ctx: ChunkingContext): ReadonlySet<string> {
  const seen = new Set<string>(adapterEntries)
  const queue = [...adapterEntries]
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    for (const imported of ctx.getModuleInfo(id)?.importedIds ?? []) {
      if (!seen.has(imported)) {
        seen.add(imported)
        queue.push(imported)
      }
    }
  }
  return seen
}

/** The two chunks of shared modules (see {@link sharedGroup}). */
const groupChunks: ReadonlySet<string> = new Set(['runtime', 'shared'])

/**
 * The modules of `src/` that two or more entries share go into two chunks: `runtime`, what the
 * adapters need (the runtime, leak detection, the global-state guard), and `shared`, the rest
 * (scopes, kinds, fixtures, helpers), which only code that tracks something loads. Under a test
 * runner, each module file costs its own load in every test file (Vitest starts a process per
 * file and its module loader's hooks see every import; Jest builds a module registry per file),
 * about 2 ms a module here; and Jest compiles every module it loads again in each test file
 * (`vm.compileFunction`, no code cache), about 3 ms per 100 kB. So: few chunks, and the one
 * every test file loads no larger than it must be. An entry's own module never goes there, or
 * the chunk would import the runners. `extra` matches the dependencies bundled (see {@link bundled}).
 */
function sharedGroup(extra?: RegExp) {
  const runtimeByBuild = new WeakMap<ChunkingContext, ReadonlySet<string>>()
  return {
    name: (id: string, ctx: ChunkingContext): string | null => {
      const own = /[\\/]src[\\/]/.test(id) && !entryModules.has(resolve(id))
      if (!own && extra?.test(id) !== true) return null
      let runtime = runtimeByBuild.get(ctx)
      if (runtime === undefined) {
        runtime = runtimeModules(ctx)
        runtimeByBuild.set(ctx, runtime)
      }
      return runtime.has(id) ? 'runtime' : 'shared'
    },
    minShareCount: 2,
  }
}

/**
 * The loader written in place of a grouped CommonJS chunk, whose code goes to `impl` beside it.
 *
 * Jest loads every module afresh into each test file's own context and compiles it with
 * `vm.compileFunction`, of which V8 caches nothing: the runtime chunk (about 100 kB) cost every
 * test file 2–3 ms of compiling, and each function its lazy compile again. Code evaluated with
 * an indirect `eval` is compiled once per process: V8 keeps it in its compilation cache, keyed
 * by the source, across contexts, and functions compiled in one test file are compiled for the
 * next. So in another realm (a `vm` context: Node's own functions are not of this realm) the
 * loader evaluates the chunk's code, wrapped as Node wraps a module, named by `sourceURL` for
 * stack traces; where strings may not be evaluated (`--disallow-code-generation-from-strings`),
 * and in Node's main realm, it requires the file as usual.
 */
function chunkLoader(impl: string): string {
  return `'use strict'
// The code of this chunk is in ${impl}, which this requires or, in another realm such as a
// Jest test file's, evaluates: compiled once per process rather than once per test file.
const { readFileSync } = require('node:fs')
const { join } = require('node:path')
const file = join(__dirname, ${JSON.stringify(impl)})
let evaluate
if (Object.getPrototypeOf(readFileSync) !== Function.prototype) {
  const wrapped = '(function (exports, require, module, __filename, __dirname) {' + readFileSync(file, 'utf8') + '\\n})\\n//# sourceURL=' + file
  try {
    evaluate = (0, eval)(wrapped)
  } catch (error) {
    if (!(error instanceof EvalError)) throw error
  }
}
if (evaluate === undefined) module.exports = require(file)
else evaluate(exports, require, module, file, __dirname)
`
}

/** Writes each grouped CommonJS chunk as its code (`*.impl.cjs`) and a loader (see {@link chunkLoader}). */
function evaluatedChunks(): Plugin {
  const replaced = new Set<string>()
  return {
    name: 'cleanroom:evaluated-chunks',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk' || chunk.isEntry || !groupChunks.has(chunk.name)) continue
        const impl = chunk.fileName.replace(/\.cjs$/, '.impl.cjs')
        const map = chunk.map
        // Its code, which points at its map, renamed as the file is.
        const code = chunk.code.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n')
        this.emitFile({
          type: 'asset',
          fileName: impl,
          source: `${code}${map === null ? '' : `//# sourceMappingURL=${basename(impl)}.map\n`}`,
        })
        if (map !== null) {
          this.emitFile({
            type: 'asset',
            fileName: `${impl}.map`,
            source: JSON.stringify({ ...map, file: basename(impl) }),
          })
        }
        chunk.code = chunkLoader(basename(impl))
        chunk.map = null
        replaced.add(chunk.fileName)
      }
    },
    // Rolldown writes the map of the code a loader replaced all the same: that map is the
    // `.impl.cjs` file's now, written beside it.
    writeBundle(options) {
      for (const fileName of replaced) {
        rmSync(join(options.dir ?? 'dist', `${fileName}.map`), { force: true })
      }
      replaced.clear()
    },
  }
}

/**
 * Writes every character beyond Latin-1 in a chunk's code (a `→` or `≤` in a message) as its
 * `\uXXXX` escape. V8 keeps a module's source for as long as the module lives, one byte a
 * character when every character is Latin-1 and two otherwise: ten such characters made the
 * runtime chunk's 94 kB source a 188 kB string, in every process that loads it (Vitest starts
 * one per test file) and, under Jest, in every test file. Comments are gone by then
 * (`comments: false`), so what is escaped is in strings, templates and regular expressions,
 * where the escape means the same character; the source map follows the edit. A build that
 * uses it sets `minify: false` ({@link latin1}): Rolldown's default, `'dce-only'`, prints the
 * bundle once more after this hook and writes a string literal's characters as they are. A
 * contract test (test/contract/cjs-chunks.test.ts) fails on any built file that is not Latin-1.
 */
function latin1Code(): Plugin {
  return {
    name: 'cleanroom:latin1-code',
    renderChunk: {
      order: 'post',
      handler(code) {
        const wide = [...code.matchAll(/[^\0-\xff]/g)]
        if (wide.length === 0) return null
        const edited = new RolldownMagicString(code)
        for (const match of wide) {
          const escape = `\\u${match[0].charCodeAt(0).toString(16).padStart(4, '0')}`
          edited.overwrite(match.index, match.index + 1, escape)
        }
        return { code: edited.toString(), map: edited.generateMap({ hires: true }).toString() }
      },
    },
  }
}

/** What a JavaScript build sets to ship Latin-1 code: see {@link latin1Code}. */
function latin1(...plugins: Plugin[]): Pick<UserConfig, 'plugins' | 'minify'> {
  return { plugins: [latin1Code(), ...plugins], minify: false }
}

/**
 * The dependencies both builds carry instead of importing: p-timeout, ESM-only, which Jest on
 * Node < 24.9 cannot require(), and which as a module of its own cost every process that loads
 * the runtime (Vitest starts one per test file) about 1.8 ms to resolve and load, for 3 kB.
 */
const bundled = {
  deps: { alwaysBundle: ['p-timeout'] },
  modules: /[\\/]node_modules[\\/]p-timeout[\\/]/,
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
    deps: bundled.deps,
    ...latin1(),
    // TSDoc stays in the .d.ts files; the JavaScript ships without comments, which every
    // process (and Jest, every test file) would parse again.
    outputOptions: {
      comments: false,
      codeSplitting: { groups: [sharedGroup(bundled.modules)] },
    },
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
    entry,
    format: 'cjs',
    platform: 'node',
    target: 'node20.19',
    dts: true,
    sourcemap: true,
    clean: false,
    deps: bundled.deps,
    ...latin1(evaluatedChunks()),
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
                sharedGroup(bundled.modules),
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
    ...latin1(),
    outputOptions: { comments: false },
    clean: false,
  },
])

export default config

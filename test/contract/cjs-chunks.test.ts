import { readdirSync, readFileSync, realpathSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import vm from 'node:vm'
import { describe, expect, it } from 'vitest'

// The CommonJS build's grouped chunks (`runtime-*.cjs`, `shared-*.cjs`) are loaders: their code
// is in `*.impl.cjs`, which a loader requires in Node's main realm and evaluates in a `vm`
// context (as Jest's test files are), where V8 then compiles it once per process instead of
// once per test file. See chunkLoader() in tsdown.config.ts.

const dist = join(realpathSync(fileURLToPath(new URL('../../', import.meta.url))), 'dist')
const chunks = readdirSync(dist).filter((name) =>
  /^(runtime|shared)-.*(?<!\.impl)\.cjs$/.test(name),
)
const runtimeChunk = chunks.find((name) => name.startsWith('runtime-')) ?? 'runtime chunk missing'
const implOf = (chunk: string) => join(dist, chunk.replace(/\.cjs$/, '.impl.cjs'))

interface RuntimeChunk {
  assertPlainObject(value: unknown, call: string, name: string): void
}

/**
 * Loads `chunk` as Jest does: compiled with `vm.compileFunction` in `context`, given a module,
 * its exports and a `require`.
 */
function loadInContext(chunk: string, context: vm.Context): RuntimeChunk {
  const filename = join(dist, chunk)
  const wrapper = vm.compileFunction(
    readFileSync(filename, 'utf8'),
    ['exports', 'require', 'module', '__filename', '__dirname'],
    { filename, parsingContext: context },
  ) as (...args: unknown[]) => void
  const module = { exports: {} }
  wrapper(module.exports, createRequire(filename), module, filename, dist)
  return module.exports as RuntimeChunk
}

/**
 * The first frame of the TypeError `assertPlainObject` throws, as V8's CallSite gives it: the
 * error is of the context's realm when the code was evaluated there, of this one when required.
 */
function firstFrame(chunk: RuntimeChunk, context: vm.Context): NodeJS.CallSite {
  const errors = [vm.runInContext('Error', context) as ErrorConstructor, Error]
  const saved = errors.map(
    (constructor) => Reflect.get(constructor, 'prepareStackTrace') as unknown,
  )
  for (const constructor of errors) constructor.prepareStackTrace = (_error, frames) => frames
  try {
    chunk.assertPlainObject('not an object', 'call', 'options')
  } catch (error) {
    const frames = (error as { stack: unknown }).stack as NodeJS.CallSite[]
    const frame = frames[0]
    if (frame !== undefined) return frame
  } finally {
    errors.forEach((constructor, index) => {
      const before = saved[index]
      if (before === undefined) Reflect.deleteProperty(constructor, 'prepareStackTrace')
      else Reflect.set(constructor, 'prepareStackTrace', before)
    })
  }
  throw new Error('assertPlainObject threw nothing, or no frame')
}

/** A context with the globals Node gives a module (as Jest's test environment copies them). */
function nodeContext(options?: vm.CreateContextOptions): vm.Context {
  const { performance, setTimeout, clearTimeout, setInterval, clearInterval } = globalThis
  const { setImmediate, clearImmediate, queueMicrotask, process, console } = globalThis
  return vm.createContext(
    {
      ...{ performance, setTimeout, clearTimeout, setInterval, clearInterval },
      ...{ setImmediate, clearImmediate, queueMicrotask, process, console },
    },
    options,
  )
}

describe('the CommonJS chunks', () => {
  it('are a loader and its code, for the runtime and the shared chunk', () => {
    expect(chunks.map((name) => name.replace(/-[^.]+\./, '-*.')).sort()).toEqual([
      'runtime-*.cjs',
      'shared-*.cjs',
    ])
    for (const chunk of chunks) {
      expect(readFileSync(join(dist, chunk), 'utf8')).toContain('(0, eval)(wrapped)')
      expect(readFileSync(implOf(chunk), 'utf8')).toMatch(
        /\n\/\/# sourceMappingURL=[^/\n]+\.impl\.cjs\.map\n$/,
      )
    }
  })

  it("in Node's main realm, are their code, required as usual", () => {
    const require = createRequire(join(dist, 'index.cjs'))
    for (const chunk of chunks) {
      expect(require(join(dist, chunk))).toBe(require(implOf(chunk)))
    }
  })

  it("in a vm context (a Jest test file's), evaluate their code, named after its file", () => {
    const context = nodeContext()
    const chunk = loadInContext(runtimeChunk, context)
    const frame = firstFrame(chunk, context)
    expect(frame.isEval()).toBe(true)
    expect(frame.getScriptNameOrSourceURL()).toBe(implOf(runtimeChunk))
    // The line is the code's own (the one that throws): the wrapper adds none.
    const line = readFileSync(implOf(runtimeChunk), 'utf8').split('\n')[
      (frame.getLineNumber() ?? 0) - 1
    ]
    expect(line).toContain('to be an object')
  })

  it('in a vm context that may not evaluate strings, require their code as usual', () => {
    const context = nodeContext({ codeGeneration: { strings: false } })
    const chunk = loadInContext(runtimeChunk, context)
    const frame = firstFrame(chunk, context)
    expect(frame.isEval()).toBe(false)
    expect(frame.getScriptNameOrSourceURL()).toBe(implOf(runtimeChunk))
  })
})

// Every JavaScript file of the library is Latin-1: V8 keeps a module's source for the module's
// life, a byte a character only when every character fits in one. latin1Code() in
// tsdown.config.ts escapes the others.
describe('the built JavaScript', () => {
  it('holds no character beyond Latin-1, so V8 keeps each source at a byte a character', () => {
    const files = readdirSync(dist).filter((name) => /\.(c|m)js$/.test(name))
    expect(files.length).toBeGreaterThan(20)
    const wide = files.flatMap((name) => {
      const text = readFileSync(join(dist, name), 'utf8')
      const at = text.search(/[^\0-\xff]/)
      return at === -1 ? [] : [`${name}: ${JSON.stringify(text.slice(at - 40, at + 10))}`]
    })
    expect(wide).toEqual([])
  })

  it('keeps the characters it escaped: a scope path built with `›` reads as written', async () => {
    const esm = (await import(join(dist, 'index.mjs'))) as typeof import('../../src/index.ts')
    const cjs = createRequire(join(dist, 'index.cjs'))(
      join(dist, 'index.cjs'),
    ) as typeof import('../../src/index.ts')
    for (const { createScope } of [esm, cjs]) {
      const file = createScope({ name: 'file' })
      file.child('test').defer(() => undefined)
      const report = await file.dispose()
      expect(report.entries.map((entry) => entry.scope)).toEqual(['file › test'])
    }
  })
})

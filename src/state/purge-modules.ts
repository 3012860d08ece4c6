import { createRequire } from 'node:module'
import { sep } from 'node:path'
import { currentScopeFor, trackFor } from '../core/current-scope.ts'
import type { Scope } from '../core/scope-types.ts'
import {
  assertFunction,
  assertKnownKeys,
  assertPlainObject,
  describeValue,
} from '../core/validate.ts'
import { assertOptionalScope } from './assert-scope.ts'

/** Options of {@link purgeModules}. */
export interface PurgeModulesOptions {
  /** Purge modules under `node_modules` too. Default `false`: packages stay loaded. */
  nodeModules?: boolean
  /**
   * Purge only the modules whose absolute path it accepts (after the other rules). Default:
   * every module the other rules allow.
   */
  filter?: (path: string) => boolean
  /** The scope whose end purges. Default: the current scope (the running test's). */
  scope?: Scope
}

/** What {@link purgeModules} returns: the modules it would drop if the scope ended now. */
export interface ModulePurge {
  /**
   * The absolute paths of the CommonJS modules first loaded since `purgeModules()` was called
   * that will be dropped from `require.cache`, computed when read.
   */
  readonly modules: readonly string[]
}

const call = 'purgeModules'
const optionKeys = ['nodeModules', 'filter', 'scope'] as const
const nodeModulesDir = `${sep}node_modules${sep}`

// One require.cache per process (Module._cache): any require function reaches it.
const requireCache: NodeJS.Require['cache'] = createRequire(import.meta.url).cache

/**
 * Drops from `require.cache`, when the current scope ends, every CommonJS module first loaded
 * after this call, so the next `require()` of it evaluates it afresh: a test that loads a module
 * with module-level state gets a new copy in the next test. Never purged: native addons
 * (`.node`, which cannot be loaded twice), and modules under `node_modules` unless
 * `nodeModules: true`. ES modules cannot be unloaded. Under Jest and Vitest, which keep their own
 * module registries, use `jest.resetModules()` or `vi.resetModules()` instead.
 *
 * @param options - whether to purge `node_modules` too, a filter, and the scope
 * @returns a handle listing what would be purged
 * @throws {@link NoActiveScopeError} when no `scope` is given and no runner adapter is installed
 * @throws {@link ScopeClosedError} when the scope is disposing or disposed
 * @throws {TypeError} when an option is unknown or invalid
 *
 * @example
 * ```ts
 * import { createRequire } from 'node:module'
 * import { test } from 'node:test'
 * import { purgeModules } from 'cleanroom'
 *
 * const require = createRequire(import.meta.url)
 *
 * test('loads the config afresh', () => {
 *   purgeModules()
 *   process.env.MODE = 'strict'
 *   const config = require('./config.cjs') as { mode: string }
 *   console.log(config.mode) // 'strict': config.cjs is evaluated again in the next test
 * })
 * ```
 */
export function purgeModules(options?: PurgeModulesOptions): ModulePurge {
  let nodeModules = false
  let filter: ((path: string) => boolean) | undefined
  let scope: Scope | undefined
  if (options !== undefined) {
    assertPlainObject(options, call, 'options')
    assertKnownKeys(options, optionKeys, call)
    if (options.nodeModules !== undefined && typeof options.nodeModules !== 'boolean') {
      throw new TypeError(
        `${call}: expected \`nodeModules\` to be a boolean, got ${describeValue(options.nodeModules)}`,
      )
    }
    if (options.filter !== undefined) assertFunction(options.filter, call, 'filter')
    assertOptionalScope(options.scope, call)
    nodeModules = options.nodeModules ?? false
    filter = options.filter
    scope = options.scope
  }
  const target = scope ?? currentScopeFor('purgeModules()')
  // Dropped once purged: the handle then lists nothing, and holds nothing.
  let before: Set<string> | undefined = new Set(Object.keys(requireCache))
  const candidates = (): string[] =>
    Object.keys(requireCache).filter(
      (path) =>
        before !== undefined &&
        !before.has(path) &&
        !path.endsWith('.node') &&
        (nodeModules || !path.includes(nodeModulesDir)) &&
        (filter === undefined || filter(path)),
    )
  const handle: ModulePurge = {
    get modules() {
      return candidates()
    },
  }
  trackFor(purgeModules, target, handle, {
    label: 'modules loaded since purgeModules()',
    dispose: () => {
      const paths = candidates()
      before = undefined
      dropModules(paths)
    },
  })
  return handle
}

/** Deletes `paths` from `require.cache`, and from the `children` of the modules that stay. */
function dropModules(paths: readonly string[]): void {
  if (paths.length === 0) return
  const dropped = new Set<NodeJS.Module>()
  for (const path of paths) {
    const module = requireCache[path]
    if (module !== undefined) dropped.add(module)
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- require.cache is keyed by path
    delete requireCache[path]
  }
  // A module that stays would otherwise keep each dropped one (and its exports) alive.
  for (const module of Object.values(requireCache)) {
    if (module?.children.some((child) => dropped.has(child)) === true) {
      module.children = module.children.filter((child) => !dropped.has(child))
    }
  }
}

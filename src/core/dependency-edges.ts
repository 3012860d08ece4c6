import type { Entry } from './entry.ts'
import { DependencyCycleError, UnknownDependencyError } from './errors.ts'
import type { ScopeImpl } from './scope.ts'
import { findValue } from './tracked-values.ts'
import { describeValue } from './validate.ts'

/**
 * Adds the edges of `dependsOn` to `entry`, about to be tracked in `scope`. All or nothing: a
 * dependency refused leaves the graph as it was.
 * @throws {@link UnknownDependencyError} when a value is not tracked, or in another tree
 * @throws {@link DependencyCycleError} when an edge across scopes would close a cycle
 */
export function addDependencies(
  scope: ScopeImpl,
  entry: Entry,
  dependsOn: unknown,
  label: string,
): void {
  if (!Array.isArray(dependsOn)) {
    throw new TypeError(
      `scope.track: expected \`dependsOn\` to be an array of tracked values, got ${describeValue(dependsOn)}`,
    )
  }
  // Edges between other entries (lifted across scopes) are undone if a later one is refused,
  // so a track() that throws leaves the graph as it was.
  const lifted: [Entry, Entry][] = []
  // Sized up front: an array grown by push() reserves 17 slots, for every tracked entry.
  const own = new Array<Entry>(dependsOn.length)
  let owned = 0
  try {
    for (let index = 0; index < dependsOn.length; index++) {
      const found = findValue(dependsOn[index])
      if (found === undefined) {
        throw new UnknownDependencyError(label, index, scope.path, undefined)
      }
      const foundIn = found.owner as ScopeImpl
      if (foundIn !== scope) {
        linkAcrossScopes(scope, entry, foundIn, found, label, index, lifted)
      } else if (own.indexOf(found) === -1) {
        own[owned++] = found
      }
    }
  } catch (error) {
    for (const [from, to] of lifted) from.undoDependOn(to)
    throw error
  }
  if (owned === 0) return
  own.length = owned
  // Edges lifted from this entry to itself (a dependency in a descendant) were added first.
  entry.deps =
    entry.deps === undefined ? own : [...entry.deps, ...own.filter((e) => !entry.deps?.includes(e))]
}

/**
 * Orders `entry` (being tracked in `scope`) before `dependency` (tracked in `dependencyScope`,
 * another scope of the same tree): the edge goes between the two branches of their lowest
 * common ancestor that hold them. A value may so depend on an ancestor's value, on a value of
 * a fixture (whose scope is a sibling or a child), or of any related scope, as long as the
 * edge closes no cycle.
 */
export function linkAcrossScopes(
  scope: ScopeImpl,
  entry: Entry,
  dependencyScope: ScopeImpl,
  dependency: Entry,
  label: string,
  index: number,
  lifted: [Entry, Entry][],
): void {
  const ancestors = new Set<ScopeImpl>()
  for (let s: ScopeImpl | undefined = dependencyScope; s !== undefined; s = s.parent)
    ancestors.add(s)
  let common: ScopeImpl | undefined = scope
  while (common !== undefined && !ancestors.has(common)) common = common.parent
  if (common === undefined) {
    throw new UnknownDependencyError(label, index, scope.path, dependencyScope.path)
  }
  const from = common.branchOf(scope, entry)
  const to = common.branchOf(dependencyScope, dependency)
  if (from !== entry && reaches(to, from)) {
    throw new DependencyCycleError(label, index, scope.path, dependencyScope.path)
  }
  const added = common.addEdge(common, from, to)
  if (added !== undefined && added !== entry) lifted.push([added, to])
}

/** Whether `target` is reachable from `start` along dependency edges. */
function reaches(start: Entry, target: Entry): boolean {
  const seen = new Set<Entry>([start])
  const stack = [start]
  for (let current = stack.pop(); current !== undefined; current = stack.pop()) {
    if (current === target) return true
    for (const next of current.deps ?? []) {
      if (!seen.has(next)) {
        seen.add(next)
        stack.push(next)
      }
    }
  }
  return false
}

import { attributionOf } from '../core/attribution.ts'
import { LeakError } from '../core/errors.ts'
import type { LeakInfo } from '../core/leak-info.ts'
import { realTimers } from '../core/real-timers.ts'
import { findOwnerOfPart, findValue, isTrackable } from '../core/tracked-values.ts'
import {
  CreationLog,
  CreationSources,
  creationSites,
  isPending,
  logCreationsTo,
  type WorkerLike,
} from './creations.ts'
import {
  describeHandle,
  describeTimer,
  describeType,
  handleType,
  innerHandle,
  isIdleKeepAlive,
} from './describe.ts'
import { forceClose } from './force-close.ts'
import { isIgnored, type ResolvedLeakOptions } from './options.ts'
import { activeHandles, countTypes, grown, plus } from './probe.ts'
import { hasOwnFrame, leakSite } from './site.ts'

/** What was running when a test, a file or the run began, and what it created since. */
interface Baseline {
  /** The active resources' types, as `process.getActiveResourcesInfo()` listed them. */
  readonly types: readonly string[]
  readonly handles: ReadonlySet<object>
  readonly log: CreationLog
  /** Leaks of its children left running (allowed, ignored, or not closable): not its own. */
  readonly charged: Map<string, number>
}

/** A leak found, with the object behind it when cleanroom has one. */
interface Found {
  readonly type: string
  readonly resource: object | undefined
  readonly count: number
  /** A known lingerer (an idle keep-alive connection): it closes by itself, and is no leak. */
  readonly lingering?: boolean
}

/** The handle objects, with the resource types listed when they were taken. */
interface HandleSnapshot {
  readonly types: readonly string[]
  readonly handles: ReadonlySet<object>
}

function sameTypes(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false
  return true
}

/**
 * Finds what a test, a file or the run left running, without async hooks (unless `trace`):
 * the active resources by type after the teardown against a baseline taken as it began,
 * settled (two `setImmediate` turns, then polling with backoff up to `grace`) only when
 * something is still there; then the objects behind them, to describe and force-close.
 */
export class LeakDetector {
  readonly options: ResolvedLeakOptions
  readonly #sources: CreationSources
  readonly #run: Baseline
  #file: Baseline | undefined
  #test: Baseline | undefined
  /**
   * The handle objects last listed. A test's baseline reuses them while the active resources
   * are the same as then, as from one test to the next they nearly always are: listing them
   * for every test costs more than the rest of the check.
   */
  #snapshot: HandleSnapshot | undefined
  /**
   * The last leak report made, returned or (in `warn` mode) only printed: the per-test records
   * read it, having cleared it before the verdict they want. Written only when a leak is found.
   */
  lastReported: LeakError | undefined

  constructor(options: ResolvedLeakOptions) {
    this.options = options
    this.#sources = new CreationSources(options.trace)
    this.#run = this.#baseline()
    logCreationsTo(this.#run.log)
  }

  #baseline(): Baseline {
    const types = process.getActiveResourcesInfo()
    let snapshot = this.#snapshot
    if (snapshot === undefined || !sameTypes(snapshot.types, types)) {
      snapshot = this.#snapshot = { types, handles: new Set(activeHandles()) }
    }
    return { types, handles: snapshot.handles, log: new CreationLog(), charged: new Map() }
  }

  beginFile(): void {
    this.#file = this.#baseline()
    logCreationsTo(this.#file.log)
  }

  beginTest(): void {
    this.#test = this.#baseline()
    logCreationsTo(this.#test.log)
  }

  /**
   * The verdict on the test that ran, after its scope was disposed: a `LeakError`, or
   * nothing. `allowed` (a reason from `allowLeaks()`) lets it leak. Undefined, without a
   * promise, when the test left nothing running, as a clean test's check finds at once.
   */
  endTest(
    name: string,
    allowed: string | undefined,
    file: string | undefined,
  ): Promise<Error | undefined> | undefined {
    const test = this.#test
    this.#test = undefined
    const parent = this.#file ?? this.#run
    logCreationsTo(parent.log)
    if (test === undefined) return undefined
    const found = this.#look(test)
    if (found.length === 0) return undefined
    return this.#verdict(test, parent, `test "${name}"`, allowed, file, '', found)
  }

  /**
   * The verdict on the file, after its scope was disposed: what it created outside its tests
   * (at module load, in `beforeAll` hooks) and left running. `concurrent`: its tests ran
   * concurrently, so their leaks are the file's too.
   */
  endFile(name: string, concurrent: boolean): Promise<Error | undefined> {
    const file = this.#file
    this.#file = undefined
    logCreationsTo(this.#run.log)
    if (file === undefined) return Promise.resolve(undefined)
    const note = concurrent
      ? '\nIts tests ran concurrently, so their leaks are checked for the whole file.'
      : ''
    return this.#verdict(file, this.#run, `file ${name}`, undefined, name, note)
  }

  /** The verdict on the run (what was left by code outside any file), and detection stops. */
  async endRun(): Promise<Error | undefined> {
    try {
      return await this.#verdict(this.#run, undefined, 'the run', undefined, undefined, '')
    } finally {
      logCreationsTo(undefined)
      this.#sources.stop()
    }
  }

  async #verdict(
    base: Baseline,
    parent: Baseline | undefined,
    owner: string,
    allowed: string | undefined,
    file: string | undefined,
    note: string,
    first?: Found[],
  ): Promise<Error | undefined> {
    try {
      const all = await this.#find(base, first)
      if (all.length === 0) return undefined
      const found: Found[] = []
      for (const leak of all) {
        if (leak.lingering !== true) found.push(leak)
        // Closed now rather than waited for (a pool's keep-alive lasts seconds), when allowed to.
        else if (!(this.options.forceClose && forceClose(leak.resource as object, leak.type))) {
          charge(parent, leak)
        }
      }
      if (found.length === 0) return undefined
      const leaks = found.map((leak) => ({ ...leak, info: this.#describe(leak, file) }))
      const reported =
        allowed === undefined
          ? leaks.filter((leak) => !isIgnored(leak.info, this.options.ignore))
          : []
      const close = this.options.forceClose && reported.length > 0
      const infos = reported.map((leak) => {
        const closed = close && leak.resource !== undefined && forceClose(leak.resource, leak.type)
        return { ...leak, info: { ...leak.info, forceClosed: closed } }
      })
      // What stays running is not the parent's to report again.
      for (const leak of leaks) if (!reported.includes(leak)) charge(parent, leak)
      for (const leak of infos) if (!leak.info.forceClosed) charge(parent, leak)
      if (infos.length === 0) return undefined
      const reports = infos.map((leak) => leak.info)
      const error = new LeakError(
        owner,
        reports,
        message(owner, reports, this.options.trace) + note,
      )
      this.lastReported = error
      if (this.options.mode === 'warn') {
        console.warn(`cleanroom: ${error.message}`)
        return undefined
      }
      return error
    } catch (error) {
      return new Error(
        `cleanroom: checking ${owner} for leaks failed: ${String(error)}. A leaks.ignore predicate that throws is reported here; otherwise this is a bug in cleanroom: please report it with this stack.`,
        { cause: error },
      )
    }
  }

  /** What `base` left running now, closing or not. */
  #look(base: Baseline): Found[] {
    const now = process.getActiveResourcesInfo()
    // What a clean test nearly always finds: the very same list.
    const same = base.charged.size === 0 && sameTypes(base.types, now)
    const more = same
      ? undefined
      : grown(plus(countTypes(base.types), base.charged), countTypes(now))
    const workers = base.log.workers.length === 0 ? noWorkers : liveWorkers(base.log.workers)
    // The timers it created and left pending are its own leaks (the runner's own timers,
    // which come and go meanwhile, are not counted).
    const timers = this.#ownTimers(base.log)
    if (more === undefined && workers.length === 0 && timers.length === 0) return noneFound
    return identify(base, more ?? new Map<string, number>(), workers, timers)
  }

  /**
   * What `base` left running, once what is closing had its chance to close; `first`, what a
   * first look found.
   */
  async #find(base: Baseline, first = this.#look(base)): Promise<Found[]> {
    // Idle keep-alive connections are not waited for: they linger for seconds.
    const settled = (found: readonly Found[]): boolean => found.every((leak) => leak.lingering)
    let found = first
    if (settled(found)) return found
    // Closed servers, watchers and ports stay listed until two setImmediate turns pass.
    await nextTurn()
    await nextTurn()
    const started = realTimers.now()
    for (let delay = 1; ; delay *= 2) {
      found = this.#look(base)
      const left = this.options.grace - (realTimers.now() - started)
      if (settled(found) || left <= 0) return found
      await sleep(Math.min(delay, left))
    }
  }

  /**
   * The timers `log` holds that are still pending and ref'd: those created through the
   * global `setTimeout`/`setInterval`, and in trace mode, those the hook saw created from
   * code outside Node and `node_modules` (an imported `node:timers` function, say). The
   * runner's own timers are neither.
   */
  #ownTimers(log: CreationLog): NodeJS.Timeout[] {
    if (log.timers.length === 0 && !this.options.trace) return noTimers
    const live = (timer: NodeJS.Timeout): boolean => isPending(timer) && timer.hasRef()
    const timers = log.timers.filter(live)
    if (!this.options.trace) return timers
    for (const timer of log.tracedTimers) {
      if (!live(timer) || timers.includes(timer)) continue
      const stack = creationSites.get(timer)
      if (stack !== undefined && hasOwnFrame(stack)) timers.push(timer)
    }
    return timers
  }

  #describe(leak: Found, file: string | undefined): LeakInfo {
    const { resource, type, count } = leak
    const described = describeType(type)
    let description = described.description
    if (resource !== undefined) {
      if (type === 'Timeout') description = describeTimer(resource as NodeJS.Timeout)
      else if (type === 'Worker')
        description = `worker thread ${String((resource as WorkerLike).threadId)}`
      else description = describeHandle(resource, type)
    } else if (count > 1) {
      description = `${String(count)} × ${description}`
    }
    const attribution = resource === undefined ? undefined : attributionOf(resource)
    if (attribution !== undefined) description = `${description} of ${attribution.owner}`
    const stack =
      resource === undefined
        ? undefined
        : (attribution?.site ?? creationSites.get(resource) ?? siteOfHandle(resource))
    const site =
      stack === undefined ? { created: undefined, from: undefined } : leakSite(stack, file)
    return {
      kind: type === 'Worker' ? 'worker' : described.kind,
      type,
      description,
      created: site.created,
      from: site.from,
      count,
      forceClosed: false,
    }
  }
}

/**
 * Adds a leak its owner left running to what `parent` expects to find running, so that the
 * parent does not report it again. (A worker thread is not in the counts.)
 */
function charge(parent: Baseline | undefined, leak: Found): void {
  if (parent === undefined || leak.type === 'Worker') return
  parent.charged.set(leak.type, (parent.charged.get(leak.type) ?? 0) + leak.count)
}

function siteOfHandle(resource: object): Error | undefined {
  const inner = innerHandle(resource)
  return inner === undefined ? undefined : creationSites.get(inner)
}

/** Shared empty results of a clean look (never mutated). */
const noneFound: Found[] = []
const noWorkers: WorkerLike[] = []
const noTimers: NodeJS.Timeout[] = []

function liveWorkers(workers: readonly WorkerLike[]): WorkerLike[] {
  return workers.filter((worker) => worker.threadId !== -1)
}

/**
 * The objects behind what grew: its timers, the handles that are new since the baseline, its
 * live workers; what grew with no object found, as counts. A resource tracked in a scope
 * (a file fixture's server, created during a test) is cleanroom's to dispose: not a leak.
 */
function identify(
  base: Baseline,
  more: Map<string, number>,
  workers: readonly WorkerLike[],
  timers: readonly NodeJS.Timeout[],
): Found[] {
  const left = new Map(more)
  const found: Found[] = []
  const owned = (resource: unknown): boolean => {
    if (findValue(resource) !== undefined) return true
    // What a library made for a part of a tracked value (a knex pool's reap interval) is the
    // tracked value's.
    const holder = isTrackable(resource) ? attributionOf(resource)?.holder : undefined
    return holder !== undefined && findOwnerOfPart(holder) !== undefined
  }
  for (const timer of timers) {
    if (!owned(timer)) found.push({ type: 'Timeout', resource: timer, count: 1 })
  }
  const handles = activeHandles()
    .filter((handle) => !base.handles.has(handle))
    .map((handle) => ({ handle, type: handleType(handle) }))
  // A child's stdio pipes are part of the child.
  const pipes = new Set<unknown>()
  for (const { handle, type } of handles) {
    if (type !== 'ProcessWrap') continue
    const child = handle as { stdin?: unknown; stdout?: unknown; stderr?: unknown }
    for (const stream of [child.stdin, child.stdout, child.stderr]) pipes.add(stream)
  }
  for (const { handle, type } of handles) {
    const wanted = type === undefined ? 0 : (left.get(type) ?? 0)
    if (type === undefined || wanted <= 0) continue
    left.set(type, wanted - 1)
    // The process's own stdio streams open on first use: never a leak, never to be closed. A
    // socket a server accepted is the server's: it ends with the client, or with the server.
    const stdio = (handle as { _isStdio?: boolean })._isStdio === true
    const server = (handle as { server?: unknown }).server
    const accepted = typeof server === 'object' && server !== null
    if (pipes.has(handle) || stdio || accepted || owned(handle)) continue
    found.push({ type, resource: handle, count: 1, lingering: isIdleKeepAlive(handle) })
  }
  for (const worker of workers) {
    if (!owned(worker)) found.push({ type: 'Worker', resource: worker, count: 1 })
  }
  for (const [type, count] of left) {
    if (count > 0) found.push({ type, resource: undefined, count })
  }
  return found
}

function message(owner: string, leaks: readonly LeakInfo[], trace: boolean): string {
  const total = leaks.reduce((sum, leak) => sum + leak.count, 0)
  const lines = leaks.map((leak) => {
    const site =
      leak.created === undefined
        ? ''
        : ` created at ${leak.created}${leak.from === undefined ? '' : ` (from ${leak.from})`}`
    return `  - ${leak.description}${site}`
  })
  const closed = leaks.filter((leak) => leak.forceClosed).length
  const after =
    closed === leaks.length
      ? ' They were force-closed.'
      : closed > 0
        ? ' Those cleanroom could reach were force-closed.'
        : ''
  const hint =
    !trace && leaks.some((leak) => leak.created === undefined)
      ? '\nRun with CLEANROOM_TRACE=1 (or leaks: { mode, trace: true }) to see where each was created.'
      : ''
  return (
    `${owner} left ${String(total)} resource${total === 1 ? '' : 's'} running:\n${lines.join('\n')}\n` +
    `Close them in the test, or track() them so cleanroom disposes them.${after}${hint}`
  )
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => realTimers.setImmediate(resolve))
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => realTimers.setTimeout(resolve, ms))
}

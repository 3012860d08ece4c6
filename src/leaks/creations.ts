import { createHook, type AsyncHook } from 'node:async_hooks'
import diagnostics from 'node:diagnostics_channel'
import { attributeCreation, currentAttribution } from '../core/attribution.ts'
import { captureCreationSite } from '../core/creation-site.ts'

/**
 * What was created while one test (or one file, outside its tests) ran: the timers (the only
 * handles `process._getActiveHandles()` does not list), the worker threads (which nothing
 * lists), and where things were created, when a source saw it happen.
 */
export class CreationLog {
  /** Timers created through the global `setTimeout`/`setInterval`. */
  readonly timers: NodeJS.Timeout[] = []
  /** Timers the trace hook saw created (any way, the runner's own included). */
  readonly tracedTimers: NodeJS.Timeout[] = []
  readonly workers: WorkerLike[] = []

  addTimer(timer: NodeJS.Timeout, list: NodeJS.Timeout[] = this.timers): void {
    // A test that creates timers by the thousand keeps only the ones still pending.
    if (list.length >= 1024 && list.length % 1024 === 0) prune(list)
    list.push(timer)
  }
}

/** The parts of a `Worker` the leak check reads: `threadId` is -1 once it exited. */
export interface WorkerLike {
  readonly threadId: number
  terminate(): Promise<number>
}

function prune(timers: NodeJS.Timeout[]): void {
  let kept = 0
  for (const timer of timers) if (isPending(timer)) timers[kept++] = timer
  timers.length = kept
}

/** Whether a timer will still fire (and keeps the process alive, unless unref'd). */
export function isPending(timer: NodeJS.Timeout): boolean {
  return !(timer as { _destroyed?: boolean })._destroyed
}

/**
 * Where each resource a source saw was created: an `Error` kept unformatted (formatting costs
 * far more than capturing), keyed by the resource, or for a libuv handle by its handle.
 */
export const creationSites: WeakMap<object, Error> = new WeakMap()

/** The log that sources write to now: the running test's, or the file's. */
let current: CreationLog | undefined

/** Makes `log` the one that creations go to. */
export function logCreationsTo(log: CreationLog | undefined): void {
  current = log
}

/**
 * Frames a creation site keeps: enough to get past Node's own (and a library's) to the caller's
 * code, from a channel's subscriber or the trace hook.
 */
const siteFrames = 32

type Publish = (message: unknown) => void

/**
 * The creations Node publishes on `diagnostics_channel`, at no cost until one happens: client
 * sockets, listening servers, child processes, UDP sockets and worker threads, each with its
 * creation site. (Sockets a server accepts are its own: the server is what leaks.)
 */
const channels: Record<string, Publish> = {
  'net.client.socket': onResource('socket'),
  'tracing:net.server.listen:asyncStart': onResource('server'),
  child_process: onResource('process'),
  'udp.socket': onResource('socket'),
  worker_threads: onWorker,
}

function onWorker(message: unknown): void {
  const worker = (message as { worker?: WorkerLike }).worker
  if (worker === undefined) return
  current?.workers.push(worker)
  attributeCreation(worker)
  creationSites.set(worker, captureCreationSite(onWorker, siteFrames))
}

function onResource(key: string): Publish {
  const publish: Publish = (message) => {
    const resource = (message as Record<string, unknown>)[key]
    if (typeof resource === 'object' && resource !== null && !creationSites.has(resource)) {
      attributeCreation(resource)
      creationSites.set(resource, captureCreationSite(publish, siteFrames))
    }
  }
  return publish
}

interface TimerFunctions {
  setTimeout: typeof setTimeout
  setInterval: typeof setInterval
}

/**
 * The sources of creations, on while cleanroom's leak detection is: the channels above, the
 * global `setTimeout`/`setInterval` wrapped to see the timers they create, and in trace mode
 * an init-only async hook that sees every resource and where it was created.
 */
export class CreationSources {
  readonly #originals: TimerFunctions
  readonly #wrapped: TimerFunctions
  readonly #hook: AsyncHook | undefined

  constructor(trace: boolean) {
    for (const [name, publish] of Object.entries(channels)) diagnostics.subscribe(name, publish)
    const global = globalThis as unknown as TimerFunctions
    this.#originals = { setTimeout: global.setTimeout, setInterval: global.setInterval }
    this.#wrapped = {
      setTimeout: wrapTimer(this.#originals.setTimeout),
      setInterval: wrapTimer(this.#originals.setInterval),
    }
    global.setTimeout = this.#wrapped.setTimeout
    global.setInterval = this.#wrapped.setInterval
    if (trace) this.#hook = createHook({ init: onInit }).enable()
  }

  /** Turns every source off and puts the timer functions back (unless replaced since). */
  stop(): void {
    for (const [name, publish] of Object.entries(channels)) diagnostics.unsubscribe(name, publish)
    this.#hook?.disable()
    const global = globalThis as unknown as TimerFunctions
    if (global.setTimeout === this.#wrapped.setTimeout)
      global.setTimeout = this.#originals.setTimeout
    if (global.setInterval === this.#wrapped.setInterval) {
      global.setInterval = this.#originals.setInterval
    }
  }
}

/** `setTimeout` or `setInterval`, recording the timers it creates; otherwise the same function. */
function wrapTimer<Fn extends typeof setTimeout | typeof setInterval>(original: Fn): Fn {
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const timer = Reflect.apply(original, this, args) as NodeJS.Timeout
    current?.addTimer(timer)
    // A timer a library starts for an object the user made (a knex pool's reap interval).
    if (currentAttribution() !== undefined) attributeCreation(timer)
    return timer
  }
  // Its name, its length and `util.promisify.custom` (setTimeout's promise version).
  for (const key of Reflect.ownKeys(original)) {
    if (key === 'prototype') continue
    const descriptor = Object.getOwnPropertyDescriptor(original, key)
    if (descriptor !== undefined) Object.defineProperty(wrapped, key, descriptor)
  }
  return wrapped as unknown as Fn
}

function onInit(_id: number, type: string, _trigger: number, resource: object): void {
  if (type === 'PROMISE') return
  attributeCreation(resource)
  creationSites.set(resource, captureCreationSite(onInit, siteFrames))
  if (type === 'Timeout' && current !== undefined) {
    current.addTimer(resource as NodeJS.Timeout, current.tracedTimers)
  }
}

/**
 * cleanroom core demo (`npm run demo`): a small app's resources, torn down by one scope.
 *
 * It puts an http server, a client socket, a child process, a worker thread, a poller interval,
 * a temp directory, a child scope, a cleanup that fails and one that hangs into a scope, with
 * dependencies between them; disposes it; prints the ordered report and the aggregated error;
 * then proves that everything is really gone. The failure and the timeout are deliberate: exit
 * code 0 means the demo behaved as designed, anything else that it did not.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { styleText } from 'node:util'
import { Worker } from 'node:worker_threads'
import { CleanupError, DisposeTimeoutError, createScope, type EntryReport } from 'cleanroom'

const colour = process.stdout.isTTY && (process.env.NO_COLOR ?? '') === ''
const paint = (style: Parameters<typeof styleText>[0], text: string): string =>
  colour ? styleText(style, text) : text
const heading = (text: string): void => {
  console.log(`\n${paint('bold', text)}`)
}

// If the demo ever hangs (a handle nobody released), say so and fail instead of waiting.
// Unref'd: it never keeps the process alive, and getActiveResourcesInfo() does not list it.
setTimeout(() => {
  console.error('demo still running after 10 s:', process.getActiveResourcesInfo().join(', '))
  process.exit(2)
}, 10_000).unref()

/** Two event-loop turns: what Node has closed leaves getActiveResourcesInfo() by then. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve))
}

console.log(paint('bold', 'cleanroom core demo: tearing down a small app'))
await settle()
const baseline = process.getActiveResourcesInfo()

// ── Set up ────────────────────────────────────────────────────────────────────────────────
const scope = createScope({ name: 'app' })

// A temp dir for uploads. A path string matches no built-in kind, so it gets its own disposer.
// A string cannot be named in dependsOn, so creation order keeps it last (LIFO): the worker
// and the child may write into it until they are gone.
const uploads = mkdtempSync(join(tmpdir(), 'cleanroom-demo-'))
scope.track(uploads, {
  dispose: (dir) => {
    rmSync(dir, { recursive: true, force: true })
  },
  label: `temp dir ${uploads}`,
})

// A child scope for per-connection state. It is created before the server, but what it tracks
// depends on the server, and that edge wins over LIFO: the whole child goes before the server.
const handlers = scope.child('request handlers')

// Nothing below passes `kind`: the registry recognises each value and describes it.
const server = scope.track(createServer((_request, response) => response.end('ok')))
server.on('connection', (socket) => handlers.track(socket, { dependsOn: [server] }))
server.listen(0, '127.0.0.1')
await once(server, 'listening')
const { port } = server.address() as AddressInfo

const worker = scope.track(new Worker(new URL('./demo-worker.mjs', import.meta.url)))
let workerExitCode: number | undefined
worker.on('exit', (code) => {
  workerExitCode = code
})
await once(worker, 'online')

const childScript = fileURLToPath(new URL('./demo-child.mjs', import.meta.url))
const child = scope.track(spawn(process.execPath, [childScript]))
await once(child.stdout, 'data')

// A cleanup that throws. The error is collected; every other cleanup still runs.
scope.defer(
  () => {
    throw new Error('metrics endpoint refused the final flush')
  },
  { label: 'metrics flusher' },
)

// A cleanup that never settles. After its 300 ms deadline it is reported and left behind;
// a never-settling promise holds no handle, so it cannot keep the process alive.
scope.defer(() => new Promise<never>(() => {}), { label: 'job queue drain', timeout: 300 })

const client = scope.track(connect(port, '127.0.0.1'), { dependsOn: [server] })
await Promise.all([once(client, 'connect'), once(server, 'connection')])

scope.track(
  setInterval(function poll() {
    server.getConnections(() => undefined)
  }, 1_000),
  { dependsOn: [server] },
)

heading('Set up in scope "app", in creation order (→ means dependsOn):')
for (const line of [
  `temp dir ${uploads}`,
  `child scope "request handlers": each accepted connection → http server`,
  `http server 127.0.0.1:${port}`,
  `worker thread ${worker.threadId} (a thumbnail renderer)`,
  `child process ${child.pid ?? '?'} (a log shipper)`,
  `cleanup "metrics flusher", which will throw`,
  `cleanup "job queue drain", which will never settle (timeout 300 ms)`,
  `client socket → http server`,
  `interval poll() every 1000 ms → http server`,
]) {
  console.log(`  ${line}`)
}

// ── Tear down ─────────────────────────────────────────────────────────────────────────────
let failure: unknown
let entries: readonly EntryReport[] = []
try {
  entries = (await scope.dispose()).entries
} catch (error) {
  failure = error
  if (error instanceof CleanupError) entries = error.report.entries
}

heading('Teardown, in the order each disposer started:')
const marks = { ok: 'ok', error: 'FAILED', timeout: 'TIMED OUT' } as const
const tints = { ok: 'green', error: 'red', timeout: 'yellow' } as const
const header = ['#', 'outcome', 'label', 'kind', 'took', 'scope', 'created at']
const rows = entries.map((entry, index) => [
  `${index + 1}`,
  marks[entry.outcome],
  entry.label,
  entry.kind,
  `${entry.duration.toFixed(1)} ms`,
  entry.scope,
  entry.created ?? '(unknown)',
])
// Pad before painting, so that colour codes do not upset the column widths.
const widths = header.map((title, column) =>
  Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
)
const pad = (row: string[]): string[] =>
  row.map((cell, column) => {
    const width = widths[column] ?? 0
    return column === 0 || column === 4 ? cell.padStart(width) : cell.padEnd(width)
  })
console.log(`  ${paint('dim', pad(header).join('  ').trimEnd())}`)
rows.forEach((row, index) => {
  const cells = pad(row)
  const outcome = entries[index]?.outcome ?? 'ok'
  cells[1] = paint(tints[outcome], cells[1] ?? '')
  console.log(`  ${cells.join('  ').trimEnd()}`)
})

heading('What dispose() rejected with:')
if (failure instanceof CleanupError) {
  console.log(`${failure.name} [${failure.code}]: ${failure.message}`)
  const { entries: count, ok, error, timeout, duration } = failure.report.totals
  console.log(
    `Totals: ${count} cleanups, ${ok} ok, ${error} failed, ${timeout} timed out, in ${duration.toFixed(0)} ms.`,
  )
} else {
  console.log(failure === undefined ? 'nothing (unexpected: two cleanups should fail)' : failure)
}

// ── Prove it ──────────────────────────────────────────────────────────────────────────────
await settle()
// What is active now and was not before setup (compared as multisets: names repeat).
const left = process.getActiveResourcesInfo()
for (const name of baseline) {
  const at = left.indexOf(name)
  if (at !== -1) left.splice(at, 1)
}
const failures = (failure instanceof CleanupError ? failure.errors : [])
  .map((e) => `${e.resource.label}: ${e instanceof DisposeTimeoutError ? 'timeout' : 'error'}`)
  .join(', ')
const serverAt = entries.findIndex((entry) => entry.kind === 'server')
const serverUsers = entries.filter(
  (entry) => entry.kind === 'socket' || entry.kind === 'timer' || entry.scope !== 'app',
)

const checks: [string, boolean, string][] = [
  ['no new active handles', left.length === 0, left.join(', ') || 'same as before setup'],
  ['temp dir removed', !existsSync(uploads), uploads],
  [
    'child process exited',
    child.exitCode !== null || child.signalCode !== null,
    `exitCode ${child.exitCode}, signalCode ${child.signalCode}`,
  ],
  [
    'worker thread exited',
    workerExitCode !== undefined && worker.threadId === -1,
    `exit code ${workerExitCode ?? 'none'} (1 is what terminate() gives)`,
  ],
  [
    'the server went after everything that uses it',
    serverAt !== -1 &&
      serverUsers.length === 3 &&
      serverUsers.every((e) => entries.indexOf(e) < serverAt),
    'poller, client socket and the request handlers scope first',
  ],
  [
    'only the two deliberate failures',
    failures === 'job queue drain: timeout, metrics flusher: error',
    failures || 'none',
  ],
]
heading('Is everything really gone?')
for (const [what, passed, detail] of checks) {
  console.log(`  ${passed ? paint('green', 'yes') : paint('red', 'NO ')}  ${what}: ${detail}`)
}
if (checks.some(([, passed]) => !passed)) process.exitCode = 1

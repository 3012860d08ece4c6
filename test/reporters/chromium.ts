import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable, Writable } from 'node:stream'
import { pathToFileURL } from 'node:url'

/** Debian's `chromium` package; `CLEANROOM_TEST_CHROMIUM` names another (or a missing) one. */
export const chromiumPath: string = process.env.CLEANROOM_TEST_CHROMIUM ?? '/usr/bin/chromium'

/** What loading a page showed. */
export interface PageVisit {
  /** Console errors, uncaught exceptions and error log entries, as text. */
  readonly errors: readonly string[]
  /** Every URL the page asked for, the page's own included. */
  readonly requests: readonly string[]
  /** What `evaluate` returned. */
  readonly value: unknown
  /** A PNG of the whole page. */
  readonly screenshot: Buffer
}

interface Message {
  id?: number
  method?: string
  sessionId?: string
  params?: Record<string, unknown>
  result?: Record<string, unknown>
  error?: { message: string }
}

/**
 * Loads an HTML file in headless Chromium with the network off (offline emulation, and a proxy
 * that refuses every connection), through the DevTools protocol over `--remote-debugging-pipe`
 * (fds 3 and 4, NUL-separated JSON: no WebSocket, no dependency). Collects console errors,
 * exceptions and requests, evaluates `expression`, and takes a screenshot of the whole page
 * (or, `fullPage` false, of the viewport).
 */
export async function visitPage(
  file: string,
  expression: string,
  viewport = { width: 1000, height: 800 },
  fullPage = true,
): Promise<PageVisit> {
  const profile = mkdtempSync(join(tmpdir(), 'cleanroom-chromium-'))
  const browser = spawn(
    chromiumPath,
    [
      '--headless=new',
      '--disable-gpu',
      '--no-sandbox',
      '--remote-debugging-pipe',
      `--user-data-dir=${profile}`,
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--hide-scrollbars',
      '--proxy-server=127.0.0.1:9',
      '--proxy-bypass-list=<-loopback>',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  )
  let stderr = ''
  browser.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const input = browser.stdio[3] as Writable
  const output = browser.stdio[4] as Readable
  const exited = new Promise<void>((resolve) =>
    browser.once('exit', () => {
      resolve()
    }),
  )

  let nextId = 0
  const pending = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>()
  const listeners: ((message: Message) => void)[] = []
  let buffer = ''
  output.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk
    let end: number
    while ((end = buffer.indexOf('\0')) !== -1) {
      const message = JSON.parse(buffer.slice(0, end)) as Message
      buffer = buffer.slice(end + 1)
      if (message.id !== undefined) {
        const waiter = pending.get(message.id)
        pending.delete(message.id)
        if (message.error === undefined) waiter?.resolve(message)
        else waiter?.reject(new Error(`DevTools: ${message.error.message}`))
      } else {
        for (const listener of listeners) listener(message)
      }
    }
  })
  const send = (
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<Record<string, unknown>> => {
    const id = ++nextId
    const reply = new Promise<Message>((resolve, reject) => pending.set(id, { resolve, reject }))
    input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`)
    return reply.then((message) => message.result ?? {})
  }
  const failOnExit = exited.then(() => {
    throw new Error(`Chromium exited before the page was visited:\n${stderr}`)
  })

  const errors: string[] = []
  const requests: string[] = []
  listeners.push(({ method, params = {} }) => {
    if (method === 'Runtime.consoleAPICalled' && params.type === 'error') {
      const args = params.args as { value?: unknown; description?: string }[]
      const text = args.map((arg) => JSON.stringify(arg.value ?? arg.description ?? null))
      errors.push(`console.error: ${text.join(' ')}`)
    } else if (method === 'Runtime.exceptionThrown') {
      errors.push(`exception: ${JSON.stringify(params.exceptionDetails)}`)
    } else if (method === 'Log.entryAdded') {
      const entry = params.entry as { level: string; text: string; url?: string }
      if (entry.level === 'error') errors.push(`log: ${entry.text} ${entry.url ?? ''}`)
    } else if (method === 'Network.requestWillBeSent') {
      requests.push((params.request as { url: string }).url)
    }
  })

  const visit = async (): Promise<PageVisit> => {
    const { targetId } = await send('Target.createTarget', { url: 'about:blank' })
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as {
      sessionId: string
    }
    const page = (method: string, params?: Record<string, unknown>) =>
      send(method, params, sessionId)
    for (const domain of ['Runtime', 'Log', 'Page', 'Network']) await page(`${domain}.enable`)
    await page('Network.emulateNetworkConditions', {
      offline: true,
      latency: 0,
      downloadThroughput: 0,
      uploadThroughput: 0,
    })
    await page('Emulation.setDeviceMetricsOverride', {
      ...viewport,
      deviceScaleFactor: 1,
      mobile: false,
    })
    const loaded = new Promise<void>((resolve) =>
      listeners.push((message) => {
        if (message.method === 'Page.loadEventFired' && message.sessionId === sessionId) resolve()
      }),
    )
    await page('Page.navigate', { url: pathToFileURL(file).href })
    await loaded
    const evaluated = await page('Runtime.evaluate', { expression, returnByValue: true })
    const { cssContentSize } = (await page('Page.getLayoutMetrics')) as {
      cssContentSize: { width: number; height: number }
    }
    if (fullPage) {
      await page('Emulation.setDeviceMetricsOverride', {
        width: viewport.width,
        height: Math.ceil(cssContentSize.height),
        deviceScaleFactor: 1,
        mobile: false,
      })
    }
    const { data } = (await page('Page.captureScreenshot', { format: 'png' })) as { data: string }
    return {
      errors,
      requests,
      value: (evaluated.result as { value?: unknown } | undefined)?.value,
      screenshot: Buffer.from(data, 'base64'),
    }
  }

  try {
    return await Promise.race([visit(), failOnExit])
  } finally {
    failOnExit.catch(() => undefined)
    if (browser.exitCode === null) {
      // Its reply may never come: the browser closes the pipe as it exits.
      send('Browser.close').catch(() => undefined)
      const timer = setTimeout(() => browser.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
    rmSync(profile, { recursive: true, force: true })
  }
}

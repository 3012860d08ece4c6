import { appendFileSync } from 'node:fs'
import { defineFixture } from 'cleanroom'

export const log = (line) => appendFileSync(process.env.ORDER_LOG, `${line}\n`)

/** One registry for the whole run: a worker fixture, disposed when the process is done. */
export const registry = defineFixture({
  name: 'registry',
  level: 'worker',
  setup: (_, scope) => {
    scope.defer(() => log('worker fixture: registry closed'))
    return new Map()
  },
})

// The "log shipper" child process of core-demo.ts: says it is ready, then runs until killed.
import process from 'node:process'
import { setInterval } from 'node:timers'

process.stdout.write('ready\n')
setInterval(() => {}, 60_000)

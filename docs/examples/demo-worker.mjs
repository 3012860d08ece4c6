// The "thumbnail renderer" worker of core-demo.ts: waits for jobs until it is terminated.
import { parentPort } from 'node:worker_threads'

parentPort?.on('message', () => {})

import { pathToFileURL } from 'node:url'
import { resolve } from 'node:path'

/** Whether the module at `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1]
  return script !== undefined && pathToFileURL(resolve(script)).href === moduleUrl
}

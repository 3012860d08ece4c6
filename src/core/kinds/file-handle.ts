import type { FileHandle } from 'node:fs/promises'
import { defineKind, type Kind } from '../kind.ts'

/**
 * Whether `value` is an `fs.promises` `FileHandle`. Node does not export the class, and the
 * only way to reach it is to open a file, which importing cleanroom must not do; so this checks
 * the shape: a numeric `fd` and the methods only a `FileHandle` combines (`getAsyncId` with
 * `readFile` and `stat`).
 */
function isFileHandle(value: unknown): value is FileHandle {
  if (typeof value !== 'object' || value === null) return false
  const handle = value as Partial<Record<keyof FileHandle | 'getAsyncId', unknown>>
  return (
    typeof handle.fd === 'number' &&
    typeof handle.close === 'function' &&
    typeof handle.getAsyncId === 'function' &&
    typeof handle.readFile === 'function' &&
    typeof handle.stat === 'function'
  )
}

/** `fs.promises` `FileHandle`: closed, unless it already is (`fd` is `-1` once closed). */
export const fileHandleKind: Kind<FileHandle> = defineKind({
  name: 'file-handle',
  match: isFileHandle,
  dispose: (handle) => (handle.fd === -1 ? undefined : handle.close()),
  describe: (handle) => (handle.fd === -1 ? 'file handle (closed)' : `file handle fd ${handle.fd}`),
})

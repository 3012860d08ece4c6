import { parseSizeText, sizeHint } from '../core/size.ts'
import { UsageError } from './usage-error.ts'

/**
 * Reads a size as the command line gives it: `100MB`, `100 MB`, `1.5GB`, `512KiB`, or a number
 * of bytes (`1048576`, `1048576B`). Decimal units are SI, binary units IEC (see `core/size.ts`).
 *
 * @param text - what follows the flag
 * @param flag - the flag, as the error message names it
 * @returns the size in whole bytes
 * @throws {@link UsageError} when `text` is not such a size
 */
export function parseSize(text: string, flag: string): number {
  const size = parseSizeText(text)
  if (size === undefined) {
    throw new UsageError(
      `Expected ${flag} to be a size such as 100MB, 100 MB, 512KiB or 1048576 (bytes), got \`${text}\`. ${sizeHint}`,
    )
  }
  return size
}

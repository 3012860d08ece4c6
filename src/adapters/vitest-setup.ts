/**
 * Installs cleanroom in Vitest with its defaults, from the config:
 * `test: { setupFiles: ['cleanroom/vitest/setup'] }`.
 * @packageDocumentation
 */
import { installCleanroom } from './vitest.ts'

installCleanroom()

/**
 * Installs cleanroom in Jest with its defaults, once per test file:
 * `setupFilesAfterEnv: ['cleanroom/jest/setup']`.
 * @packageDocumentation
 */
import { installCleanroom } from './jest.ts'

installCleanroom()

/**
 * Installs cleanroom in node:test with its defaults:
 * `node --test --import cleanroom/node-test/register`.
 * @packageDocumentation
 */
import { installCleanroom } from './node-test.ts'

installCleanroom()

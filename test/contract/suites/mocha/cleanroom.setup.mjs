// A user's own root hook module, for options: mocha --require ./cleanroom.setup.mjs
import { installCleanroom } from 'cleanroom/mocha'

export const mochaHooks = installCleanroom({ timeout: 200 })

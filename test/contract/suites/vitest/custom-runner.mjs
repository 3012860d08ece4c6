// A runner of the user's own: Vitest's, unchanged. With one in the config, cleanroom registers
// an aroundEach hook instead of wrapping the hooks of Vitest's runner.
import { VitestTestRunner } from 'vitest/runners'

export default class CustomRunner extends VitestTestRunner {}

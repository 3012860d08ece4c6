export default {
  test: {
    setupFiles: ['cleanroom/vitest/setup'],
    unstubEnvs: true,
    unstubGlobals: true,
    restoreMocks: true,
  },
}

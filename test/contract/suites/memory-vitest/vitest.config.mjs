export default {
  test: {
    setupFiles: ['cleanroom/vitest/setup'],
  },
}

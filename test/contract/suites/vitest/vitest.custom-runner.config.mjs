export default {
  test: {
    setupFiles: ['cleanroom/vitest/setup'],
    hookTimeout: 200,
    runner: './custom-runner.mjs',
  },
}

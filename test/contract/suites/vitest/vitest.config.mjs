export default {
  test: {
    setupFiles: ['cleanroom/vitest/setup'],
    // Shorter than Vitest's default, to show that cleanroom's own deadlines decide.
    hookTimeout: 200,
  },
}

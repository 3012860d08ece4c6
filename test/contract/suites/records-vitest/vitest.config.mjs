export default {
  test: {
    setupFiles: ['cleanroom/vitest/setup'],
    // Two workers, each running one of the two files at once.
    maxWorkers: 2,
    fileParallelism: true,
  },
}

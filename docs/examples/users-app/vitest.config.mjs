export default {
  test: {
    include: ['test/users.vitest.mjs'],
    setupFiles: ['cleanroom/vitest/setup'],
  },
}

export default {
  test: {
    // cleanroom first, then a setup file that stands for a Vitest which no longer calls the
    // runner hooks cleanroom wrapped.
    setupFiles: ['cleanroom/vitest/setup', './unhook.mjs'],
  },
}

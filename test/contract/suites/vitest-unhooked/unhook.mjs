import { TestRunner } from 'vitest'

// As a Vitest that runs tests another way would: neither of the hooks cleanroom wrapped is
// called any more.
TestRunner.prototype.onBeforeTryTask = function () {}
TestRunner.prototype.onAfterRetryTask = undefined

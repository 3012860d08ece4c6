// jest --config jest.config.cjs (setupFilesAfterEnv: ['cleanroom/jest/setup'])
require('./users.suite.cjs')({ describe, it })

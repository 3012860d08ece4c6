module.exports = {
  testMatch: ['<rootDir>/test/users.jest.cjs'],
  setupFilesAfterEnv: ['cleanroom/jest/setup'],
}

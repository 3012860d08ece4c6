// node --test --import cleanroom/node-test/register test/users.node-test.cjs
const nodeTest = require('node:test')

require('./users.suite.cjs')({ describe: nodeTest.describe, it: nodeTest.it })

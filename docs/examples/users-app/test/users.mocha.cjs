// mocha --require cleanroom/mocha test/users.mocha.cjs
require('./users.suite.cjs')({ describe, it })

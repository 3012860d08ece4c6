const { cases } = require('./corpus.cjs')

for (const { name, run } of cases) test(name, run)

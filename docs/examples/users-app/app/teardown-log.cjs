// The app notes when each of its pieces closes, so a run can show the order teardown took.
// Set USERS_APP_LOG to a file path to collect the notes; without it, nothing is written.
const { appendFileSync } = require('node:fs')

function note(line) {
  const file = process.env.USERS_APP_LOG
  if (file) appendFileSync(file, `${line}\n`)
}

module.exports = { note }

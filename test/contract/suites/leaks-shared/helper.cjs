// A helper module, as a test suite has: it starts a poller after a few awaits.
async function startPoller() {
  await null
  await new Promise((resolve) => setImmediate(resolve))
  return setInterval(function poll() {}, 1_000) // site: poller
}

module.exports = { startPoller }

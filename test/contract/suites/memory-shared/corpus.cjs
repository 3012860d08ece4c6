// Tests as users write them, for each runner's suite to register: one that keeps 20 MB of
// reports in a module-level cache, clean ones, and two that use expectCollected: one drops
// its session, the other keeps it in a module-level array.
const { expectCollected } = require('cleanroom')

/** The application's caches: module-level, so they outlive every test. */
const reportCache = []
const sessions = []

/** About `megabytes` MB of JavaScript heap, as rendered reports would take. */
function renderReports(megabytes) {
  return Array.from({ length: megabytes * 10 }, (_, index) => new Array(12_500).fill(index + 0.5))
}

function openSession(user) {
  return { user, scratch: new Array(1_000).fill(1.5) }
}

const cases = [
  {
    name: 'renders the monthly reports and drops them',
    run: () => {
      const reports = renderReports(20)
      if (reports.length !== 200) throw new Error('rendered the wrong number of reports')
    },
  },
  {
    name: 'caches every rendered report',
    run: () => {
      reportCache.push(renderReports(20))
    },
  },
  {
    name: 'drops its session',
    run: () => {
      expectCollected(openSession('ada'), 'session of ada')
    },
  },
  {
    name: 'keeps its session in a module-level array',
    run: () => {
      const session = openSession('grace')
      sessions.push(session)
      expectCollected(session, 'session of grace')
    },
  },
]

module.exports = { cases }

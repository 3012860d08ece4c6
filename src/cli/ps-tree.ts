import { execFileSync } from 'node:child_process'
import type { TreeSampler } from './process-tree.ts'

/**
 * The sampler for platforms without `/proc` (macOS, the BSDs): one `ps -A -o pid=,ppid=,rss=,stat=`
 * per sample, its `rss` column in KiB. Starting `ps` costs a few milliseconds of CPU each time,
 * far more than reading `/proc`. Not run by the test suite, which runs on Linux.
 */
export function createPsSampler(rootPid: number): TreeSampler {
  const known = new Set<number>()
  return {
    method: 'ps',
    sample() {
      let output: string
      try {
        output = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,rss=,stat='], { encoding: 'utf8' })
      } catch {
        return { rssBytes: 0, pids: [] }
      }
      const rssOf = new Map<number, number>()
      const childrenOf = new Map<number, number[]>()
      for (const line of output.split('\n')) {
        const [pidText, ppidText, rssText, state] = line.trim().split(/\s+/)
        const [pid, ppid, rss] = [pidText, ppidText, rssText].map(Number)
        if (pid === undefined || ppid === undefined || rss === undefined || Number.isNaN(rss))
          continue
        // A zombie (state Z) has ended: it is not counted.
        if (state?.startsWith('Z') === true) continue
        rssOf.set(pid, rss * 1024)
        const siblings = childrenOf.get(ppid)
        if (siblings === undefined) childrenOf.set(ppid, [pid])
        else siblings.push(pid)
      }
      const seen = new Set<number>()
      let rssBytes = 0
      const stack = [rootPid, ...known]
      for (let pid = stack.pop(); pid !== undefined; pid = stack.pop()) {
        const rss = rssOf.get(pid)
        if (rss === undefined || seen.has(pid)) continue
        seen.add(pid)
        rssBytes += rss
        stack.push(...(childrenOf.get(pid) ?? []))
      }
      known.clear()
      for (const pid of seen) known.add(pid)
      return { rssBytes, pids: [...seen] }
    },
  }
}

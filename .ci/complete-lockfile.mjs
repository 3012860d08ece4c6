// npm records an optional dependency in package-lock.json only if the registry serves it. The
// registry this project installs from serves unrs-resolver's native bindings (used by Jest 30)
// for linux only, so `npm install` leaves the others out, and `npm ci` then refuses the lock
// as out of sync. This adds the missing bindings as the optional, other-platform entries npm
// would have written: npm ci skips them on this platform without fetching them.
// Run it after any `npm install` that rewrites the lock: node .ci/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs'

const file = new URL('../package-lock.json', import.meta.url)
const lock = JSON.parse(readFileSync(file, 'utf8'))
const packages = lock.packages
let added = 0
for (const entry of Object.values({ ...packages })) {
  for (const name of Object.keys(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`
    const match =
      /^@unrs\/resolver-binding-([a-z0-9]+)-([a-z0-9]+)(?:-(gnu|musl|gnueabihf|musleabihf|eabi|msvc))?$/.exec(
        name,
      )
    if (packages[key] !== undefined || match === null) continue
    const [, os, cpu, abi] = match
    const libc =
      abi === 'gnu' || abi === 'gnueabihf'
        ? 'glibc'
        : abi === 'musl' || abi === 'musleabihf'
          ? 'musl'
          : undefined
    packages[key] = {
      version: entry.optionalDependencies[name],
      cpu: [cpu],
      dev: entry.dev ?? false,
      ...(libc === undefined ? {} : { libc: [libc] }),
      license: 'MIT',
      optional: true,
      os: [os],
    }
    added++
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) =>
    a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0,
  ),
)
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`)
console.log(`complete-lockfile: added ${added} optional platform entries`)

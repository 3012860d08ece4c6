import { defineConfig, type UserConfig } from 'tsdown'

const entry = {
  index: 'src/index.ts',
  hooks: 'src/adapters/hooks.ts',
  'node-test': 'src/adapters/node-test.ts',
  'node-test-register': 'src/adapters/node-test-register.ts',
}

const config: UserConfig[] = defineConfig([
  {
    entry,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    dts: true,
    sourcemap: true,
    clean: true,
  },
  {
    // Jest on Node < 24.9 cannot require() ESM, and p-timeout is ESM-only:
    // the CommonJS build carries its own copy.
    entry,
    format: 'cjs',
    platform: 'node',
    target: 'node20.19',
    dts: true,
    sourcemap: true,
    clean: false,
    deps: { alwaysBundle: ['p-timeout'] },
  },
])

export default config

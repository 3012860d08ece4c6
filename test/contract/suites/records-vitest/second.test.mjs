import { test } from 'vitest'

test('runs in a worker of its own', () => undefined)

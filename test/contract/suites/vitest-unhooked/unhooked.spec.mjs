import { test } from 'vitest'

test('runs without cleanroom seeing it', () => {})

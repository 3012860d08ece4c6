import { installCleanroom } from 'cleanroom/node-test'

installCleanroom({ memory: { failAbove: '10 MB' } })

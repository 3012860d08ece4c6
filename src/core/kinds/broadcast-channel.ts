import { BroadcastChannel } from 'node:worker_threads'
import { defineKind, type Kind } from '../kind.ts'

/** `BroadcastChannel` (`worker_threads`, also the global one): closed. */
export const broadcastChannelKind: Kind<BroadcastChannel> = defineKind({
  name: 'broadcast-channel',
  match: (value): value is BroadcastChannel => value instanceof BroadcastChannel,
  dispose: (channel) => {
    channel.close()
  },
  describe: (channel) => `broadcast channel ${JSON.stringify(channel.name)}`,
})

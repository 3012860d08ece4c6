import { MessageChannel } from 'node:worker_threads'
import { defineKind, type Kind } from '../kind.ts'

/** `MessageChannel`: both its ports closed. */
export const messageChannelKind: Kind<MessageChannel> = defineKind({
  name: 'message-channel',
  match: (value): value is MessageChannel => value instanceof MessageChannel,
  dispose: (channel) => {
    // One port's close() closes the entangled other, unless it was handed to another thread.
    channel.port1.close()
    channel.port2.close()
  },
  describe: () => 'message channel',
})

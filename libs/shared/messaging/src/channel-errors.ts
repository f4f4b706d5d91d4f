import type { LoggerService } from '@nestjs/common';
import type { ChannelWrapper } from 'amqp-connection-manager';
import { errorMessage } from '@capstone/errors';

/**
 * amqp-connection-manager emits `error` on a channel whose opening or setup failed, typically
 * because the channel closed under it: the service is stopping, or the broker went away. Without a
 * listener Node throws that event from a dropped promise, an unhandled rejection that ends the
 * process. The manager sets the channel up again on its next connection, so a log line is enough.
 */
export function logChannelErrors(channel: ChannelWrapper, logger: LoggerService): void {
  if (channel.listenerCount('error') > 0) return;
  channel.on('error', (error) => {
    logger.warn(`channel not set up (${errorMessage(error)}); it will be on the next connection`);
  });
}

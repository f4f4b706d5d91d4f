/**
 * An event its schema refused. It cannot become well-formed by waiting: the consumer sends it
 * straight to its queue's dead-letter queue, without retries (see `EventConsumerServer`). It
 * holds what is wrong with each field, never the event's data: whatever is logged about it stays
 * free of personal data.
 */
export class MalformedEventError extends Error {
  constructor(readonly problems: Record<string, string[]>) {
    super('malformed event');
    this.name = 'MalformedEventError';
  }
}

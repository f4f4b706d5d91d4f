/** The broker did not carry a request to its service and back: unreachable (503) or too slow (504). */
export class BrokerUnavailableError extends Error {
  constructor(
    readonly reason: 'unreachable' | 'timeout',
    readonly service: string,
    cause?: unknown,
  ) {
    super(`${service} ${reason === 'timeout' ? 'did not answer in time' : 'cannot be reached'}`, {
      cause,
    });
    this.name = 'BrokerUnavailableError';
  }
}

import { Injectable } from '@nestjs/common';
import { OutboxRelay } from './outbox-relay.js';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * Runs a change and the events it records (`recordEvent`) in one transaction, then asks the
 * relay to publish them right away instead of at its next poll.
 */
@Injectable()
export class OutboxTransactions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxRelay,
  ) {}

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.dataSource.transaction(work);
    this.outbox.publishSoon();
    return result;
  }
}

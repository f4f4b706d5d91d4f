import { Column, CreateDateColumn, UpdateDateColumn } from 'typeorm';

/*
 * Every point in time is a `timestamptz` in a snake_case column: a plain `timestamp` would be read
 * back in the database server's time zone. These decorators write that rule once for all entities.
 */

/** When the row was inserted; the database sets it. */
export const CreatedAtColumn = (): PropertyDecorator =>
  CreateDateColumn({ name: 'created_at', type: 'timestamptz' });

/** When the row was last saved through TypeORM; the database sets it. */
export const UpdatedAtColumn = (): PropertyDecorator =>
  UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' });

/** A point in time the service sets; `nullable` for one that may not have happened yet. */
export const TimestampColumn = (name: string, { nullable = false } = {}): PropertyDecorator =>
  Column({ name, type: 'timestamptz', nullable });

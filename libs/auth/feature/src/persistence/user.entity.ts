import type { Role } from '@capstone/contracts';
import { CreatedAtColumn, UpdatedAtColumn } from '@capstone/persistence';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** As the user typed it; uniqueness ignores case (index on lower(email)). */
  @Column('text')
  email!: string;

  @Column('text')
  username!: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @Column({ type: 'text', nullable: true })
  bio!: string | null;

  @Column({ type: 'text', nullable: true })
  image!: string | null;

  @Column({ type: 'text', default: 'user' })
  role!: Role;

  /** Counts changes; travels with user events so consumers apply them once and in order. */
  @Column({ type: 'integer', default: 1 })
  version!: number;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

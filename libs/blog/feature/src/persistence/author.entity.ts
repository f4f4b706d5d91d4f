import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What the blog knows about a user: a projection of the auth service's `user.registered` and
 * `user.updated` events. Articles and comments refer to it by id, so a new username shows
 * everywhere as soon as its event is applied.
 */
@Entity({ name: 'authors' })
export class AuthorEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column('text')
  username!: string;

  @Column({ type: 'text', nullable: true })
  bio!: string | null;

  @Column({ type: 'text', nullable: true })
  image!: string | null;

  /** The version of the last user event applied; 0 for an author known only from a token so far. */
  @Column('integer')
  version!: number;
}

import { CreatedAtColumn } from '@capstone/persistence';
import { Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'follows' })
export class FollowEntity {
  @PrimaryColumn({ name: 'follower_id', type: 'uuid' })
  followerId!: string;

  @PrimaryColumn({ name: 'followed_id', type: 'uuid' })
  followedId!: string;

  @CreatedAtColumn()
  createdAt!: Date;
}

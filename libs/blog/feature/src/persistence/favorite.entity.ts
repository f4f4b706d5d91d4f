import { CreatedAtColumn } from '@capstone/persistence';
import { Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'favorites' })
export class FavoriteEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @PrimaryColumn({ name: 'article_id', type: 'uuid' })
  articleId!: string;

  @CreatedAtColumn()
  createdAt!: Date;
}

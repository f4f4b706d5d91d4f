import { CreatedAtColumn, UpdatedAtColumn } from '@capstone/persistence';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An article. The table also has `search`, a tsvector PostgreSQL generates from title,
 * description and body; it is only ever read in SQL, so it is not mapped here.
 */
@Entity({ name: 'articles' })
export class ArticleEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text')
  slug!: string;

  @Column('text')
  title!: string;

  @Column('text')
  description!: string;

  @Column('text')
  body!: string;

  /** Normalised before saving: trimmed, de-duplicated, sorted. */
  @Column({ name: 'tag_list', type: 'text', array: true })
  tagList!: string[];

  @Column({ name: 'author_id', type: 'uuid' })
  authorId!: string;

  @Column({ name: 'favorites_count', type: 'integer', default: 0 })
  favoritesCount!: number;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

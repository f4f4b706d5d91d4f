import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The tags in use. */
@Injectable()
export class TagsService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Most used first, ties by name in code-point order. It reads every article's tags: fine for a
   * blog this size and cached by the gateway; a large one would keep a counted tags table.
   */
  async list(): Promise<string[]> {
    const rows = await this.dataSource.query<{ tag: string }[]>(
      `SELECT tag FROM articles, unnest(tag_list) AS tag
       GROUP BY tag ORDER BY count(*) DESC, tag COLLATE "C"`,
    );
    return rows.map((row) => row.tag);
  }
}

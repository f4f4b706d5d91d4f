import { Module } from '@nestjs/common';
import { AuthorsModule } from '../authors/authors.module.js';
import { ArticleReader } from './article-reader.js';
import { ArticlesService } from './articles.service.js';
import { FavoritesService } from './favorites.service.js';
import { TagsService } from './tags.service.js';
import { ViewerFlagsService } from './viewer-flags.service.js';

@Module({
  imports: [AuthorsModule],
  providers: [ArticleReader, ArticlesService, FavoritesService, TagsService, ViewerFlagsService],
  exports: [ArticleReader, ArticlesService, FavoritesService, TagsService, ViewerFlagsService],
})
export class ArticlesModule {}

import { Module } from '@nestjs/common';
import { AuthorsModule } from '../authors/authors.module.js';
import { CommentsService } from './comments.service.js';

@Module({
  imports: [AuthorsModule],
  providers: [CommentsService],
  exports: [CommentsService],
})
export class CommentsModule {}

import { Module } from '@nestjs/common';
import { AuthorDirectory } from './author-directory.js';
import { AuthorProjection } from './author-projection.js';

/** The blog's own copy of who the users are: fed by user events, read by every other feature. */
@Module({
  providers: [AuthorDirectory, AuthorProjection],
  exports: [AuthorDirectory, AuthorProjection],
})
export class AuthorsModule {}

import { Module } from '@nestjs/common';
import { AuthorsModule } from '../authors/authors.module.js';
import { ProfilesService } from './profiles.service.js';

@Module({
  imports: [AuthorsModule],
  providers: [ProfilesService],
  exports: [ProfilesService],
})
export class ProfilesModule {}

import { Module } from '@nestjs/common';
import { UserDirectory } from './user-directory.js';

/** The chat's copy of who the users are: fed by user events, read by every other feature. */
@Module({ providers: [UserDirectory], exports: [UserDirectory] })
export class UsersModule {}

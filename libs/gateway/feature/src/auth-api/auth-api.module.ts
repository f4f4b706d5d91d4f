import { Module } from '@nestjs/common';
import { ResponseCacheModule } from '../cache/response-cache.module.js';
import { LoginThrottle } from './login-throttle.js';
import { ProfilePropagation } from './profile-propagation.js';
import { SessionEventsController } from './session-events.controller.js';
import { SessionsController } from './sessions.controller.js';
import { UsersController } from './users.controller.js';

/** The account endpoints (RealWorld's users and user, and the sessions beyond it) in front of auth. */
@Module({
  imports: [ResponseCacheModule],
  controllers: [UsersController, SessionsController, SessionEventsController],
  providers: [LoginThrottle, ProfilePropagation],
})
export class AuthApiModule {}

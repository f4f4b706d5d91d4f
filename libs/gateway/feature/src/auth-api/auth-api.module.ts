import { Module } from '@nestjs/common';
import { LoginThrottle } from './login-throttle.js';
import { SessionEventsController } from './session-events.controller.js';
import { SessionsController } from './sessions.controller.js';
import { UsersController } from './users.controller.js';

/** The account endpoints (RealWorld's users and user, and the sessions beyond it) in front of auth. */
@Module({
  controllers: [UsersController, SessionsController, SessionEventsController],
  providers: [LoginThrottle],
})
export class AuthApiModule {}

import {
  createParamDecorator,
  Inject,
  Injectable,
  Optional,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AccessTokenClaims, Role } from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import type { Request } from 'express';
import { AccessTokenVerifier, InvalidTokenError } from './access-token-verifier.js';
import { SESSION_REVOCATIONS, type SessionRevocations } from './session-revocations.js';

type AuthenticatedRequest = Request & { user?: AccessTokenClaims };

/** Reads `Authorization: Token <jwt>` (the RealWorld scheme) or `Authorization: Bearer <jwt>`. */
export function tokenFromHeader(header: string | undefined): string | undefined {
  const match = /^(?:Token|Bearer) +([A-Za-z0-9._~+/=-]+)$/i.exec(header?.trim() ?? '');
  return match?.[1];
}

const PUBLIC_ROUTE = 'capstone:public';
const OPTIONAL_AUTH = 'capstone:optional-auth';
const REQUIRED_ROLES = 'capstone:roles';

/** The route never looks at tokens (sign-up, login, health). Every other route requires one by default. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The route also serves anonymous readers; a valid token, when sent, still identifies the caller. */
export const OptionalAuth = () => SetMetadata(OPTIONAL_AUTH, true);

/** Only callers with one of these roles may use the route (checked after authentication). */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

/** Authenticates the caller from the access token and enforces `@Roles`. */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly reflector: Reflector,
    @Optional() @Inject(SESSION_REVOCATIONS) private readonly revocations?: SessionRevocations,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const optional = this.reflector.getAllAndOverride<boolean>(OPTIONAL_AUTH, targets) ?? false;
    const header = request.headers.authorization;
    const token = tokenFromHeader(header);

    if (!token) {
      if (optional && header === undefined) return true;
      throw ServiceError.unauthorized(header === undefined ? 'is missing' : 'is malformed');
    }
    try {
      request.user = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw ServiceError.unauthorized(error.message);
      throw error;
    }
    if (await this.revocations?.isRevoked(request.user.sid)) {
      throw ServiceError.unauthorized('has been revoked');
    }

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (roles && !roles.includes(request.user.role)) {
      throw new ServiceError(403, { role: [`must be ${roles.join(' or ')}`] });
    }
    return true;
  }
}

/** The verified claims of the caller; `undefined` on `@OptionalAuth` routes without a token. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AccessTokenClaims | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().user,
);

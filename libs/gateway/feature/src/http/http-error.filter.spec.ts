import { NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { ServiceError } from '@capstone/errors';
import { BrokerUnavailableError } from '@capstone/messaging';
import { describe, expect, it } from 'vitest';
import { ErrorWithHeaders, HttpErrorFilter } from './http-error.filter.js';

function respond(exception: unknown) {
  const sent: { status?: number; body?: unknown; headers?: Record<string, string> } = {};
  const response = {
    headers: (headers: Record<string, string>) => (sent.headers = headers),
    status: (status: number) => {
      sent.status = status;
      return { send: (body: unknown) => (sent.body = body) };
    },
  };
  const host = {
    switchToHttp: () => ({ getResponse: () => response }),
  } as unknown as ArgumentsHost;
  new HttpErrorFilter({ BODY_LIMIT: '100kb' }).catch(exception, host);
  return sent;
}

describe('HttpErrorFilter', () => {
  it("keeps a service's status and details", () => {
    expect(respond(ServiceError.taken('email'))).toMatchObject({
      status: 422,
      body: { errors: { email: ['has already been taken'] } },
    });
  });

  it('answers an unreachable broker with 503 and a slow one with 504, naming the service', () => {
    expect(respond(new BrokerUnavailableError('unreachable', 'auth'))).toMatchObject({
      status: 503,
      body: { errors: { auth: ['is unavailable'] } },
    });
    expect(respond(new BrokerUnavailableError('timeout', 'auth'))).toMatchObject({
      status: 504,
      body: { errors: { auth: ['did not answer in time'] } },
    });
  });

  it('passes headers such as Retry-After along', () => {
    expect(
      respond(new ErrorWithHeaders(429, { login: ['slow down'] }, { 'Retry-After': '60' })),
    ).toMatchObject({
      status: 429,
      headers: { 'Retry-After': '60' },
    });
  });

  it("maps Nest's own exceptions and hides the details of unexpected ones", () => {
    expect(respond(new NotFoundException())).toMatchObject({
      status: 404,
      body: { errors: { request: ['no such route'] } },
    });
    expect(respond(new TypeError('secret internals'))).toEqual({
      status: 500,
      body: { errors: { server: ['an unexpected error occurred'] } },
    });
  });
});

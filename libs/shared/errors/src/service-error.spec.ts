import { describe, expect, it } from 'vitest';
import { errorMessage } from './error-message.js';
import { ServiceError } from './service-error.js';

describe('ServiceError', () => {
  it('carries a status and the RealWorld error body, and says both in its message', () => {
    const error = new ServiceError(422, { email: ['is invalid'], username: ["can't be blank"] });
    expect([error.status, error.errors]).toEqual([
      422,
      { email: ['is invalid'], username: ["can't be blank"] },
    ]);
    expect(error.message).toBe("email is invalid; username can't be blank");
  });

  it('names the usual failures the same way everywhere', () => {
    expect(ServiceError.notFound('article')).toMatchObject({
      status: 404,
      errors: { article: ['not found'] },
    });
    expect(ServiceError.forbidden('comment')).toMatchObject({
      status: 403,
      errors: { comment: ['is not yours'] },
    });
    expect(ServiceError.taken('email')).toMatchObject({
      status: 422,
      errors: { email: ['has already been taken'] },
    });
    expect(ServiceError.unauthorized()).toMatchObject({
      status: 401,
      errors: { token: ['is missing or invalid'] },
    });
  });
});

describe('errorMessage', () => {
  it('reads an Error, and anything else thrown', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage(42)).toBe('42');
  });
});

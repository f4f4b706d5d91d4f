import { ValidationPipe, type ValidationError } from '@nestjs/common';
import type { ErrorDetails } from '@capstone/contracts';
import { ServiceError } from '@capstone/messaging';

const BLANK = "can't be blank";
const TYPE_CONSTRAINTS = new Set([
  'isArray',
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'isObject',
]);

function messagesOf(error: ValidationError): string[] {
  const constraints = Object.entries(error.constraints ?? {});
  if (constraints.some(([constraint]) => constraint === 'whitelistValidation'))
    return ['is not allowed'];
  // A missing or empty field fails every rule on it; one message says it all.
  if (
    constraints.length > 0 &&
    (error.value === undefined || error.value === null || error.value === '')
  ) {
    return [error.constraints?.['isDefined'] ?? BLANK];
  }
  // A value of the wrong type fails the rules about its contents too; only the type error helps.
  const typeErrors = constraints.filter(([constraint]) => TYPE_CONSTRAINTS.has(constraint));
  return (typeErrors.length > 0 ? typeErrors : constraints).map(([, message]) => message);
}

/** `{ user: { email: [...] } }` becomes `{ email: [...] }`: RealWorld names fields, not paths. */
function collect(errors: ValidationError[], into: ErrorDetails = {}): ErrorDetails {
  for (const error of errors) {
    const messages = messagesOf(error);
    if (messages.length > 0) {
      into[error.property] = [...new Set([...(into[error.property] ?? []), ...messages])];
    }
    if (error.children?.length) collect(error.children, into);
  }
  return into;
}

/** Validation at the edge: unknown fields are refused, types converted, failures answered with 422. */
export function edgeValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new ServiceError(422, collect(errors)),
  });
}

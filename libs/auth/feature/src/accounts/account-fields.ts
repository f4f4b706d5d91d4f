import { AccountRules, type UserChanges } from '@capstone/contracts';
import { ServiceError } from '@capstone/messaging';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The auth service's own check of account fields. The gateway validates requests with the same
 * `AccountRules` first; this keeps the service correct for any other caller on the broker.
 */
export function checkEmail(value: string): string {
  const email = value.trim();
  if (!EMAIL.test(email) || email.length > AccountRules.emailMaxLength) {
    throw ServiceError.invalid('email', 'is invalid');
  }
  return email;
}

export function checkUsername(value: string): string {
  const username = value.trim();
  if (username.length === 0) throw ServiceError.invalid('username', "can't be blank");
  if (
    username.length > AccountRules.usernameMaxLength ||
    !AccountRules.usernamePattern.test(username)
  ) {
    throw ServiceError.invalid('username', 'is invalid');
  }
  return username;
}

export function checkPassword(password: string): string {
  if (password.length < AccountRules.passwordMinLength) {
    throw ServiceError.invalid(
      'password',
      `is too short (minimum is ${AccountRules.passwordMinLength} characters)`,
    );
  }
  if (password.length > AccountRules.passwordMaxLength) {
    throw ServiceError.invalid(
      'password',
      `is too long (maximum is ${AccountRules.passwordMaxLength} characters)`,
    );
  }
  return password;
}

function checkBio(bio: string | null): string | null {
  if (bio === null || bio.trim() === '') return null;
  if (bio.length > AccountRules.bioMaxLength) throw ServiceError.invalid('bio', 'is too long');
  return bio;
}

function checkImage(image: string | null): string | null {
  if (image === null || image.trim() === '') return null;
  let protocol: string;
  try {
    protocol = new URL(image).protocol;
  } catch {
    throw ServiceError.invalid('image', 'must be an http(s) URL');
  }
  if (!['http:', 'https:'].includes(protocol) || image.length > AccountRules.imageMaxLength) {
    throw ServiceError.invalid('image', 'must be an http(s) URL');
  }
  return image;
}

/** Checks and normalises the fields present in an update; absent fields stay absent. */
export function checkChanges(changes: UserChanges): UserChanges {
  return {
    ...(changes.email !== undefined ? { email: checkEmail(changes.email) } : {}),
    ...(changes.username !== undefined ? { username: checkUsername(changes.username) } : {}),
    ...(changes.password !== undefined ? { password: checkPassword(changes.password) } : {}),
    ...(changes.bio !== undefined ? { bio: checkBio(changes.bio) } : {}),
    ...(changes.image !== undefined ? { image: checkImage(changes.image) } : {}),
  };
}

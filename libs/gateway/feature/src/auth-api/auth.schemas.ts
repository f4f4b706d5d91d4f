import { AccountFields, strictObject } from '@capstone/contracts';
import { z } from 'zod';

/** The RealWorld bodies of the account endpoints, built from the auth contract's own fields. */
const userFields = <T extends z.ZodRawShape>(shape: T) =>
  strictObject({ user: strictObject(shape, 'must be an object with the user fields') });

export const RegisterBody = userFields({
  username: AccountFields.username.meta({ example: 'alice' }),
  email: AccountFields.email.meta({ example: 'alice@example.com' }),
  password: AccountFields.password.meta({ example: 'correct horse battery staple' }),
});

export const LoginBody = userFields({
  email: AccountFields.email.meta({ example: 'alice@example.com' }),
  password: AccountFields.passwordGiven,
});

/**
 * Any of the profile fields; a field left out stays as it is. A new password or email needs
 * `currentPassword` unless the session signed in within the last few minutes.
 */
export const UpdateUserBody = userFields({
  currentPassword: AccountFields.passwordGiven.optional().meta({
    description: 'Needed to change the password or email when the sign-in is not recent',
  }),
  username: AccountFields.username.optional(),
  email: AccountFields.email.optional(),
  password: AccountFields.password.optional(),
  bio: AccountFields.bio.optional(),
  image: AccountFields.image.optional(),
});

export const RefreshBody = strictObject({
  refreshToken: AccountFields.refreshToken.meta({
    description: 'The refresh token from sign-up, login or the previous refresh',
  }),
});

export const UserResponse = z.object({
  user: z.object({
    email: z.string(),
    token: z
      .string()
      .meta({ description: 'Access token: send it as `Authorization: Token <token>`' }),
    username: z.string(),
    bio: z.string().nullable(),
    image: z.string().nullable(),
    refreshToken: z
      .string()
      .optional()
      .meta({ description: 'Present after sign-up, login and refresh only' }),
  }),
});
export type UserResponse = z.infer<typeof UserResponse>;

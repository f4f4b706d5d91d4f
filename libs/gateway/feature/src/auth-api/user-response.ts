import type { AuthResult, UserView } from '@capstone/contracts';
import type { UserResponse } from './auth.schemas.js';

/** The RealWorld user body: every key present, `bio` and `image` possibly null. */
export function userResponse(user: UserView, token: string, refreshToken?: string): UserResponse {
  return {
    user: {
      email: user.email,
      token,
      username: user.username,
      bio: user.bio,
      image: user.image,
      ...(refreshToken ? { refreshToken } : {}),
    },
  };
}

export function signedInResponse(result: AuthResult): UserResponse {
  return userResponse(result.user, result.tokens.accessToken, result.tokens.refreshToken);
}

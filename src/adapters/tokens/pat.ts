import { hashRefreshToken, newRefreshToken } from './refresh-token.js';
import { cryptoRandom } from '../random/random.js';
import type { Random } from '../random/random.js';

/** `auth.refresh_tokens.type` of a personal access token row (TOKENS.md §6.5). */
export const PAT_TOKEN_TYPE = 'pat';

/**
 * A new personal access token (TOKENS.md §7): like a refresh token, a random UUID v4, shown to
 * the client once and stored only as its hash in `auth.refresh_tokens` with type `pat`.
 */
export function newPersonalAccessToken(random: Pick<Random, 'uuid'> = cryptoRandom): string {
  return newRefreshToken(random);
}

/** The stored hash of a PAT: the same format as a refresh token's (SCHEMA.md §10.4). */
export function hashPersonalAccessToken(token: string): string {
  return hashRefreshToken(token);
}

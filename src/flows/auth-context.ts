/** The caller, as proven by a verified access token (API.md §1.3, TOKENS.md §5.4). */
export interface AuthContext {
  /** The token's `sub`. */
  userId: string;
  /** `x-hasura-user-id` from the Hasura claims (some operations use it instead of `sub`). */
  hasuraUserId: string | undefined;
  /** `x-hasura-user-is-anonymous` as the string found in the claims. */
  isAnonymousClaim: string | undefined;
  /** `x-hasura-auth-elevated` equals `sub`. */
  isElevated: boolean;
  /** Latchkey's `sid` claim: the refresh-token row of the session, when the token carries one. */
  sessionId: string | undefined;
  /** The raw token as presented. */
  token: string;
}

/**
 * The Hasura metadata the reference applies at start-up (SCHEMA.md §9 with SCHEMA-NEWER.md §2.4):
 * the `auth` tables it tracks, in order, with their GraphQL names and relationships. Clients use
 * these names (`users`, `user(id:)`, `authRefreshTokens`…), and the custom-claims query relies on
 * `user(id:)` and on the relationship names, so they are part of the contract.
 */

/** A tracked table: names in the GraphQL schema, and the relationships created on it. */
export interface TrackedTable {
  readonly name: string;
  /** `custom_name` and the nine root fields derive from these two (SCHEMA.md §9). */
  readonly plural: string;
  readonly singular: string;
  /** SQL column → GraphQL field; unlisted columns keep their SQL name. */
  readonly columns: Readonly<Record<string, string>>;
  /** Tracked as an enum table (only `refresh_token_types`). */
  readonly isEnum?: boolean;
  /** Many-to-one: relationship name → the foreign-key column on this table. */
  readonly objectRelationships?: Readonly<Record<string, string>>;
  /** One-to-many: relationship name → the table and column whose foreign key points here. */
  readonly arrayRelationships?: Readonly<Record<string, { readonly table: string; readonly column: string }>>;
}

export const AUTH_SCHEMA = 'auth';
export const HASURA_SOURCE = 'default';

const timestamps = { created_at: 'createdAt', updated_at: 'updatedAt' };

/** In the reference's order; `pkce_authorization_codes` is not tracked (in any version). */
export const AUTH_TABLES: readonly TrackedTable[] = [
  { name: 'provider_requests', plural: 'authProviderRequests', singular: 'authProviderRequest', columns: { id: 'id', options: 'options' } },
  {
    name: 'refresh_token_types',
    plural: 'authRefreshTokenTypes',
    singular: 'authRefreshTokenType',
    columns: { value: 'value', comment: 'comment' },
    isEnum: true,
    arrayRelationships: { refreshTokens: { table: 'refresh_tokens', column: 'type' } },
  },
  {
    name: 'refresh_tokens',
    plural: 'authRefreshTokens',
    singular: 'authRefreshToken',
    columns: { refresh_token_hash: 'refreshTokenHash', created_at: 'createdAt', expires_at: 'expiresAt', user_id: 'userId' },
    objectRelationships: { user: 'user_id' },
  },
  {
    name: 'roles',
    plural: 'authRoles',
    singular: 'authRole',
    columns: { role: 'role' },
    arrayRelationships: { userRoles: { table: 'user_roles', column: 'role' }, usersByDefaultRole: { table: 'users', column: 'default_role' } },
  },
  {
    name: 'user_providers',
    plural: 'authUserProviders',
    singular: 'authUserProvider',
    columns: {
      id: 'id',
      ...timestamps,
      user_id: 'userId',
      access_token: 'accessToken',
      refresh_token: 'refreshToken',
      provider_id: 'providerId',
      provider_user_id: 'providerUserId',
    },
    objectRelationships: { user: 'user_id', provider: 'provider_id' },
  },
  {
    name: 'user_roles',
    plural: 'authUserRoles',
    singular: 'authUserRole',
    columns: { id: 'id', created_at: 'createdAt', user_id: 'userId', role: 'role' },
    objectRelationships: { user: 'user_id', roleByRole: 'role' },
  },
  {
    name: 'users',
    plural: 'users',
    singular: 'user',
    columns: {
      id: 'id',
      ...timestamps,
      last_seen: 'lastSeen',
      disabled: 'disabled',
      display_name: 'displayName',
      avatar_url: 'avatarUrl',
      locale: 'locale',
      email: 'email',
      phone_number: 'phoneNumber',
      password_hash: 'passwordHash',
      email_verified: 'emailVerified',
      phone_number_verified: 'phoneNumberVerified',
      new_email: 'newEmail',
      otp_method_last_used: 'otpMethodLastUsed',
      otp_hash: 'otpHash',
      otp_hash_expires_at: 'otpHashExpiresAt',
      default_role: 'defaultRole',
      is_anonymous: 'isAnonymous',
      totp_secret: 'totpSecret',
      active_mfa_type: 'activeMfaType',
      ticket: 'ticket',
      ticket_expires_at: 'ticketExpiresAt',
      webauthn_current_challenge: 'currentChallenge',
    },
    objectRelationships: { defaultRoleByRole: 'default_role' },
    arrayRelationships: {
      userProviders: { table: 'user_providers', column: 'user_id' },
      roles: { table: 'user_roles', column: 'user_id' },
      refreshTokens: { table: 'refresh_tokens', column: 'user_id' },
      securityKeys: { table: 'user_security_keys', column: 'user_id' },
      oauth2AuthRequests: { table: 'oauth2_auth_requests', column: 'user_id' },
      oauth2RefreshTokens: { table: 'oauth2_refresh_tokens', column: 'user_id' },
    },
  },
  {
    name: 'providers',
    plural: 'authProviders',
    singular: 'authProvider',
    columns: { id: 'id' },
    arrayRelationships: { userProviders: { table: 'user_providers', column: 'provider_id' } },
  },
  {
    name: 'user_security_keys',
    plural: 'authUserSecurityKeys',
    singular: 'authUserSecurityKey',
    columns: { id: 'id', user_id: 'userId', credential_id: 'credentialId', credential_public_key: 'credentialPublicKey' },
    objectRelationships: { user: 'user_id' },
  },
  {
    name: 'oauth2_clients',
    plural: 'authOauth2Clients',
    singular: 'authOauth2Client',
    columns: {
      client_id: 'clientId',
      client_secret_hash: 'clientSecretHash',
      redirect_uris: 'redirectUris',
      scopes: 'scopes',
      type: 'type',
      metadata: 'metadata',
      metadata_document_fetched_at: 'metadataDocumentFetchedAt',
      created_by: 'createdBy',
      ...timestamps,
    },
    objectRelationships: { createdByUser: 'created_by' },
    arrayRelationships: {
      authRequests: { table: 'oauth2_auth_requests', column: 'client_id' },
      oauth2RefreshTokens: { table: 'oauth2_refresh_tokens', column: 'client_id' },
    },
  },
  {
    name: 'oauth2_auth_requests',
    plural: 'authOauth2AuthRequests',
    singular: 'authOauth2AuthRequest',
    columns: {
      id: 'id',
      client_id: 'clientId',
      scopes: 'scopes',
      redirect_uri: 'redirectUri',
      state: 'state',
      nonce: 'nonce',
      response_type: 'responseType',
      code_challenge: 'codeChallenge',
      code_challenge_method: 'codeChallengeMethod',
      resource: 'resource',
      user_id: 'userId',
      done: 'done',
      auth_time: 'authTime',
      created_at: 'createdAt',
      expires_at: 'expiresAt',
    },
    objectRelationships: { client: 'client_id', user: 'user_id' },
    arrayRelationships: {
      authorizationCodes: { table: 'oauth2_authorization_codes', column: 'auth_request_id' },
      refreshTokens: { table: 'oauth2_refresh_tokens', column: 'auth_request_id' },
    },
  },
  {
    name: 'oauth2_authorization_codes',
    plural: 'authOauth2AuthorizationCodes',
    singular: 'authOauth2AuthorizationCode',
    columns: { id: 'id', code_hash: 'codeHash', auth_request_id: 'authRequestId', created_at: 'createdAt', expires_at: 'expiresAt' },
    objectRelationships: { authRequest: 'auth_request_id' },
  },
  {
    name: 'oauth2_refresh_tokens',
    plural: 'authOauth2RefreshTokens',
    singular: 'authOauth2RefreshToken',
    columns: {
      id: 'id',
      token_hash: 'tokenHash',
      auth_request_id: 'authRequestId',
      client_id: 'clientId',
      user_id: 'userId',
      scopes: 'scopes',
      created_at: 'createdAt',
      expires_at: 'expiresAt',
    },
    objectRelationships: { authRequest: 'auth_request_id', client: 'client_id', user: 'user_id' },
  },
];

/** The nine custom root fields of a table (SCHEMA.md §9): the verb, then the capitalised name. */
export function customRootFields(table: TrackedTable): Record<string, string> {
  const upper = (s: string) => s[0]!.toUpperCase() + s.slice(1);
  return {
    select: table.plural,
    select_by_pk: table.singular,
    select_aggregate: `${table.plural}Aggregate`,
    insert: `insert${upper(table.plural)}`,
    insert_one: `insert${upper(table.singular)}`,
    update: `update${upper(table.plural)}`,
    update_by_pk: `update${upper(table.singular)}`,
    delete: `delete${upper(table.plural)}`,
    delete_by_pk: `delete${upper(table.singular)}`,
  };
}

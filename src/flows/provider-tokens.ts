/**
 * The provider's own tokens after a sign-in (API-NEWER.md §2.3.2–2.3.3): read once, or refreshed
 * at the provider.
 */
import { openSecret } from '../adapters/crypto/secret-box.js';
import { ProviderExchangeError } from '../adapters/oauth/provider.js';
import { providerFor } from '../adapters/oauth/registry.js';
import type { ProviderId } from '../config/types.js';
import type { Schemas } from '../contract/types.js';
import { AuthError } from '../errors.js';
import { updateUserProviderTakeAccessToken } from '../store/user-providers.js';
import type { FlowDeps } from './deps.js';
import { providerSessionOf } from './oauth-sign-in.js';
import { UNSET_PROVIDER_SESSION } from './provider-sign-in.js';
import { loadCheckedUser } from './user-checks.js';

export type ProviderSession = Schemas['ProviderSession'];

/** What a user without a stored session gets (the reference's zero values). */
const EMPTY_SESSION: ProviderSession = { accessToken: '', expiresIn: 0, expiresAt: '0001-01-01T00:00:00Z' };

function isProviderSession(value: unknown): value is ProviderSession {
  const v = value as Partial<ProviderSession> | null;
  return typeof v === 'object' && v !== null && typeof v.accessToken === 'string' && typeof v.expiresIn === 'number' && typeof v.expiresAt === 'string';
}

/**
 * `GET /signin/provider/{provider}/callback/tokens`: the stored session, erased in the same
 * transaction. An already read (or never stored) session answers the empty one rather than the
 * reference's 500 (API-NEWER.md §2.3.2, Quirk fixable).
 */
export async function readProviderTokens(deps: FlowDeps, userId: string, provider: ProviderId): Promise<ProviderSession> {
  return deps.db.transaction(async (tx) => {
    await loadCheckedUser(deps, tx, userId);
    const sealed = await updateUserProviderTakeAccessToken(tx, userId, provider);
    if (sealed === null || sealed === '' || sealed === UNSET_PROVIDER_SESSION) return EMPTY_SESSION;
    let session: unknown;
    try {
      session = JSON.parse(openSecret(deps.encryptionKey, sealed));
    } catch (err) {
      throw new AuthError('internal-server-error', { cause: err });
    }
    if (!isProviderSession(session)) throw new AuthError('internal-server-error');
    return { accessToken: session.accessToken, expiresIn: session.expiresIn, expiresAt: session.expiresAt, refreshToken: session.refreshToken ?? null };
  });
}

/** `POST /token/provider/{provider}`: the refresh-token grant at the provider; nothing is stored. */
export async function refreshProviderTokens(deps: FlowDeps, provider: ProviderId, refreshToken: string): Promise<ProviderSession> {
  const oauth = providerFor(deps.config, provider);
  if (!oauth) throw new AuthError('disabled-endpoint');
  if (oauth.protocol !== 'oauth2' || !oauth.refreshTokens) throw new AuthError('oauth-provider-error');
  try {
    const tokens = await oauth.refreshTokens(refreshToken);
    return { ...providerSessionOf(tokens, deps.clock.now()), refreshToken: tokens.refreshToken ?? '' };
  } catch (err) {
    if (err instanceof ProviderExchangeError) throw new AuthError('oauth-provider-error', { cause: err });
    throw err;
  }
}

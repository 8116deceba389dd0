/** The `OAuth2Settings` of a provider whose endpoints are plain settings (PROVIDERS.md §6.4–6.15). */
import type { EndpointProviderConfig } from '../../config/types.js';
import type { OAuth2Settings } from './oauth2.js';

/** `p`'s credentials, scopes and endpoints, or null when it is disabled. */
export function endpointSettings(p: EndpointProviderConfig): OAuth2Settings | null {
  if (!p.enabled) return null;
  return { clientId: p.clientId, clientSecret: p.clientSecret, scopes: p.scopes, authorizationUrl: p.authorizationUrl, tokenUrl: p.tokenUrl, userProfileUrl: p.userProfileUrl };
}

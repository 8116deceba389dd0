/**
 * Every implemented provider, by id. Adding one = one file + one line here (see README.md).
 * Providers are built from the configuration object they serve and cached per object, so a
 * reconfiguration (AUTH_ENABLE_CHANGE_ENV) simply yields new providers.
 */
import type { Config, ProviderId } from '../../config/types.js';
import { createAppleProvider } from './apple.js';
import { github } from './github.js';
import { google } from './google.js';
import { azuread, entraid } from './microsoft.js';
import { createOAuth2Provider, type OAuth2Spec } from './oauth2.js';
import type { OAuthProvider, ProviderFactory } from './provider.js';
import { createTwitterProvider } from './twitter.js';
import { createWorkosProvider } from './workos.js';

const oauth2 = (spec: OAuth2Spec): ProviderFactory => (config) => createOAuth2Provider(spec, config);

/** Implemented providers. Keep one line per provider, in alphabetical order. */
export const PROVIDER_FACTORIES: Partial<Record<ProviderId, ProviderFactory>> = {
  apple: (config) => createAppleProvider(config),
  azuread: oauth2(azuread),
  entraid: oauth2(entraid),
  github: oauth2(github),
  google: oauth2(google),
  twitter: createTwitterProvider,
  workos: createWorkosProvider,
};

const cache = new WeakMap<Config, Map<ProviderId, OAuthProvider | null>>();

/**
 * The provider `id` with `config`, or null when it is disabled (or not implemented yet: a
 * provider we cannot run is reported as disabled rather than failing mid-flow).
 */
export function providerFor(config: Config, id: ProviderId): OAuthProvider | null {
  let built = cache.get(config);
  if (!built) cache.set(config, (built = new Map()));
  if (!built.has(id)) built.set(id, PROVIDER_FACTORIES[id]?.(config) ?? null);
  return built.get(id) ?? null;
}

/**
 * Every implemented provider, by id. Adding one = one file + one line here (see README.md).
 * Providers are built from the configuration object they serve and cached per object, so a
 * reconfiguration (AUTH_ENABLE_CHANGE_ENV) simply yields new providers.
 */
import type { Config, ProviderId } from '../../config/types.js';
import { createAppleProvider } from './apple.js';
import { bitbucket } from './bitbucket.js';
import { discord } from './discord.js';
import { facebook } from './facebook.js';
import { github } from './github.js';
import { gitlab } from './gitlab.js';
import { google } from './google.js';
import { linkedin } from './linkedin.js';
import { azuread, entraid } from './microsoft.js';
import { createOAuth2Provider, type OAuth2Spec } from './oauth2.js';
import type { OAuthProvider, ProviderFactory } from './provider.js';
import { spotify } from './spotify.js';
import { strava } from './strava.js';
import { twitch } from './twitch.js';
import { createTwitterProvider } from './twitter.js';
import { windowslive } from './windowslive.js';
import { createWorkosProvider } from './workos.js';

const oauth2 = (spec: OAuth2Spec): ProviderFactory => (config) => createOAuth2Provider(spec, config);

/** Every provider, one line each in alphabetical order; the type makes a missing one a compile error. */
export const PROVIDER_FACTORIES: Record<ProviderId, ProviderFactory> = {
  apple: (config) => createAppleProvider(config),
  azuread: oauth2(azuread),
  bitbucket: oauth2(bitbucket),
  discord: oauth2(discord),
  entraid: oauth2(entraid),
  facebook: oauth2(facebook),
  github: oauth2(github),
  gitlab: oauth2(gitlab),
  google: oauth2(google),
  linkedin: oauth2(linkedin),
  spotify: oauth2(spotify),
  strava: oauth2(strava),
  twitch: oauth2(twitch),
  twitter: createTwitterProvider,
  windowslive: oauth2(windowslive),
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

/**
 * What a new user gets from each social provider's profile through the real sign-in flow: the
 * mapped display name and avatar, and the display-name fallbacks (the provider's own, else the
 * provider user id) when the provider gives no name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import type { FakeAccount } from '../../support/fake-oauth-provider.js';
import {
  socialAccount,
  startFakeBitbucket,
  startFakeDiscord,
  startFakeFacebook,
  startFakeGitlab,
  startFakeLinkedin,
  startFakeSpotify,
  startFakeStrava,
  startFakeTwitch,
  startFakeWindowslive,
  type FakeProviderSetup,
} from '../../support/fake-providers.js';
import { signInWithProvider } from '../../support/oauth-dance.js';

interface MappingCase {
  provider: string;
  start: () => Promise<FakeProviderSetup>;
  named: FakeAccount;
  expected: { displayName: string; avatarUrl: string; email?: string };
  /** An account without a name and the display name the user gets, or null to skip. */
  nameless: { account: FakeAccount; displayName: string } | null;
}

const CASES: MappingCase[] = [
  {
    provider: 'linkedin',
    start: startFakeLinkedin,
    named: socialAccount('li-m1', 'ada-m1@example.com', true, { name: 'Ada Lovelace', picture: 'https://media.example/ada.jpg' }),
    expected: { displayName: 'Ada Lovelace', avatarUrl: 'https://media.example/ada.jpg' },
    nameless: { account: socialAccount('li-m2', 'anon-m2@example.com', true, { name: undefined }), displayName: 'anon-m2@example.com' },
  },
  {
    provider: 'discord',
    start: startFakeDiscord,
    named: socialAccount('9001', 'nelly-m1@example.com', true, { username: 'nelly', discriminator: '0', avatar: 'cafe' }),
    expected: { displayName: 'nelly#0', avatarUrl: 'https://cdn.discordapp.com/avatars/9001/cafe.png' },
    nameless: null,
  },
  {
    provider: 'spotify',
    start: startFakeSpotify,
    named: socialAccount('sp-m1', 'wiz-m1@example.com', undefined, { name: 'Wizzler', images: [{ url: 'https://i.example/w.jpg' }] }),
    expected: { displayName: 'Wizzler', avatarUrl: 'https://i.example/w.jpg' },
    nameless: { account: socialAccount('sp-m2', 'quiet-m2@example.com', undefined, { name: undefined, images: [{ url: 'https://i.example/q.jpg' }] }), displayName: 'sp-m2' },
  },
  {
    provider: 'twitch',
    start: startFakeTwitch,
    named: socialAccount('7001', 'tw-m1@example.com', undefined, { name: 'TwitchDev' }),
    expected: { displayName: 'TwitchDev', avatarUrl: 'https://static-cdn.jtvnw.example/7001.png' },
    nameless: { account: socialAccount('7002', 'tw-m2@example.com', undefined, { name: undefined }), displayName: '7002' },
  },
  {
    provider: 'gitlab',
    start: startFakeGitlab,
    named: socialAccount('6001', 'gl-m1@example.com', undefined, { name: 'Dev Eloper' }),
    expected: { displayName: 'Dev Eloper', avatarUrl: 'https://gitlab.example/uploads/6001.png' },
    nameless: { account: socialAccount('6002', 'gl-m2@example.com', undefined, { name: undefined }), displayName: '6002' },
  },
  {
    provider: 'bitbucket',
    start: startFakeBitbucket,
    named: socialAccount('{bb-m1}', 'bb-m1@example.com', true, { name: 'Bit Bucket' }),
    expected: { displayName: 'Bit Bucket', avatarUrl: 'https://avatar-management.example/{bb-m1}/128' },
    nameless: { account: socialAccount('{bb-m2}', 'bb-m2@example.com', true, { name: undefined }), displayName: '{bb-m2}' },
  },
  {
    provider: 'strava',
    start: startFakeStrava,
    named: socialAccount('5001', undefined, undefined, { firstname: 'Marianne', lastname: 'Vos' }),
    expected: { displayName: 'Marianne Vos', avatarUrl: 'https://dgalywyr863hv.example/5001/medium.jpg' },
    nameless: null,
  },
  {
    provider: 'facebook',
    start: startFakeFacebook,
    named: socialAccount('4001', 'fb-m1@example.com', undefined, { name: 'Face Book' }),
    expected: { displayName: 'Face Book', avatarUrl: 'https://platform-lookaside.fbsbx.example/4001' },
    nameless: { account: socialAccount('4002', 'fb-m2@example.com', undefined, { name: undefined }), displayName: '4002' },
  },
  {
    provider: 'windowslive',
    start: startFakeWindowslive,
    named: socialAccount('wl-m1', 'account-m1@example.com', undefined, { name: 'Bill Gates', preferred: 'preferred-m1@example.com' }),
    expected: { displayName: 'Bill Gates', avatarUrl: 'https://apis.live.example/wl-m1/picture', email: 'preferred-m1@example.com' },
    nameless: null,
  },
];

describe('social profiles through the sign-in flow', () => {
  let t: TestApp;
  const fakes = new Map<string, FakeProviderSetup>();

  beforeAll(async () => {
    for (const c of CASES) fakes.set(c.provider, await c.start());
    const env = Object.assign({}, ...[...fakes.values()].map((f) => f.env)) as Record<string, string>;
    t = await startTestApp({ env });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([...fakes.values()].map((f) => f.fake.close()));
  });

  async function newUserOf(provider: string, account: FakeAccount): Promise<Record<string, unknown>> {
    fakes.get(provider)!.fake.account = account;
    const { final } = await signInWithProvider(t, provider, {});
    const session = await t.request('POST', '/token', { body: { refreshToken: final.searchParams.get('refreshToken') } });
    expect(session.status).toBe(200);
    return session.body.user as Record<string, unknown>;
  }

  it.each(CASES)('$provider: the new user carries the mapped name and avatar', async (c) => {
    const user = await newUserOf(c.provider, c.named);
    expect(user).toMatchObject({ displayName: c.expected.displayName, avatarUrl: c.expected.avatarUrl });
    if (c.expected.email) expect(user['email']).toBe(c.expected.email);
  });

  it.each(CASES.filter((c) => c.nameless !== null))('$provider: without a name the user gets the fallback display name', async (c) => {
    const user = await newUserOf(c.provider, c.nameless!.account);
    expect(user['displayName']).toBe(c.nameless!.displayName);
  });
});

import { describe, expect, it } from 'vitest';
import { EmailPacer, linkBaseUrl } from './emails.js';

describe('EmailPacer', () => {
  it('does not wait before any e-mail was sent', async () => {
    const started = performance.now();
    await new EmailPacer().waitLikeASend();
    expect(performance.now() - started).toBeLessThan(20);
  });

  it('waits about as long as recent deliveries took, so a skipped send costs the same time', async () => {
    const pacer = new EmailPacer();
    pacer.record(80);
    pacer.record(80);
    const started = performance.now();
    await pacer.waitLikeASend();
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(75);
    expect(waited).toBeLessThan(400);
  });

  it('follows a moving average rather than the last delivery alone', async () => {
    const pacer = new EmailPacer();
    pacer.record(100);
    pacer.record(0.001);
    const started = performance.now();
    await pacer.waitLikeASend();
    expect(performance.now() - started).toBeGreaterThanOrEqual(70);
  });
});

describe('linkBaseUrl', () => {
  it('is AUTH_SERVER_URL when set, else this server on localhost with the prefix', () => {
    expect(linkBaseUrl({ serverUrl: 'https://auth.example.com/v1', port: 4000, apiPrefix: '/v1' })).toBe('https://auth.example.com/v1');
    expect(linkBaseUrl({ serverUrl: '', port: 4000, apiPrefix: '/v1' })).toBe('http://localhost:4000/v1');
    expect(linkBaseUrl({ serverUrl: '', port: 8080, apiPrefix: '' })).toBe('http://localhost:8080');
  });
});

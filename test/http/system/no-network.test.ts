import { describe, expect, it } from 'vitest';

describe('the test harness', () => {
  it('refuses connections that leave this machine', async () => {
    const error = await fetch('http://192.0.2.1/').then(() => null, (err: unknown) => err as Error & { cause?: Error });
    expect(error?.cause?.message).toMatch(/tests may not reach the network/);
  });
});

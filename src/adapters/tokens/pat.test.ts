import { describe, expect, it } from 'vitest';
import { PAT_TOKEN_TYPE, hashPersonalAccessToken, newPersonalAccessToken } from './pat.js';
import { hashRefreshToken } from './refresh-token.js';

describe('personal access tokens', () => {
  it('are UUID v4 values', () => {
    expect(newPersonalAccessToken()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('are stored with the refresh-token hash, as type pat', () => {
    const token = newPersonalAccessToken();
    expect(hashPersonalAccessToken(token)).toBe(hashRefreshToken(token));
    expect(PAT_TOKEN_TYPE).toBe('pat');
  });
});

import { describe, expect, it } from 'vitest';
import { MFA_ATTEMPT_WINDOW_MS, afterWrongCode, isMfaLocked } from './mfa-attempts.js';

const T0 = new Date('2030-01-01T00:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('the TOTP sign-in attempt limit', () => {
  it('is not locked without wrong codes', () => {
    expect(isMfaLocked(null, T0, 5)).toBe(false);
  });

  it('locks once the limit of wrong codes falls within one window', () => {
    let attempts = afterWrongCode(null, T0);
    for (let i = 2; i <= 5; i++) {
      expect(isMfaLocked(attempts, at(i * 1000), 5)).toBe(false);
      attempts = afterWrongCode(attempts, at(i * 1000));
    }
    expect(attempts).toEqual({ failedAttempts: 5, windowStartedAt: T0 });
    expect(isMfaLocked(attempts, at(MFA_ATTEMPT_WINDOW_MS - 1), 5)).toBe(true);
  });

  it('unlocks when the window that the first wrong code opened is over', () => {
    const attempts = { failedAttempts: 5, windowStartedAt: T0 };
    expect(isMfaLocked(attempts, at(MFA_ATTEMPT_WINDOW_MS), 5)).toBe(false);
  });

  it('starts a new window for a wrong code after the old one closed', () => {
    const later = at(MFA_ATTEMPT_WINDOW_MS + 1);
    expect(afterWrongCode({ failedAttempts: 4, windowStartedAt: T0 }, later)).toEqual({ failedAttempts: 1, windowStartedAt: later });
  });
});

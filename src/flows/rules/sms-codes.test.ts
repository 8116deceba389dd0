import { describe, expect, it } from 'vitest';
import { isPlausiblePhoneNumber, isSmsCodeShape, isVerifyCodeShape } from './sms-codes.js';

describe('isPlausiblePhoneNumber', () => {
  it('accepts numbers as clients write them, formatting included', () => {
    for (const n of ['+14155550123', '+64 21 555 0123', '(415) 555-0123', '0412345678', 'whatsapp:+14155550123']) {
      expect(isPlausiblePhoneNumber(n), n).toBe(true);
    }
  });

  it('refuses empty, blank, over-long and control-character values', () => {
    for (const n of ['', '   ', '+1'.padEnd(65, '5'), '+1415\u00005550123', '+1415\n5550123', '+1415\u0085', '+1\ud800', '+1\u2028']) {
      expect(isPlausiblePhoneNumber(n), JSON.stringify(n)).toBe(false);
    }
  });
});

describe('code shapes', () => {
  it('takes only six digits for our codes', () => {
    expect(isSmsCodeShape('042917')).toBe(true);
    for (const c of ['', '42917', '0429170', '04291a', ' 042917', '٠٤٢٩١٧']) expect(isSmsCodeShape(c), c).toBe(false);
  });

  it('takes 4 to 10 digits for Twilio Verify codes', () => {
    expect(isVerifyCodeShape('1234')).toBe(true);
    expect(isVerifyCodeShape('1234567890')).toBe(true);
    for (const c of ['', '123', '12345678901', '12a4']) expect(isVerifyCodeShape(c), c).toBe(false);
  });
});

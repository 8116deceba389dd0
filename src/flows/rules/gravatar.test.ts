import { describe, expect, it } from 'vitest';
import { gravatarUrl } from './gravatar.js';

const defaults = { enabled: true, defaultImage: 'blank', rating: 'g' };

describe('gravatarUrl', () => {
  it('hashes the lower-cased address with md5 and adds d= and r=', () => {
    expect(gravatarUrl('user@example.com', defaults)).toBe('https://www.gravatar.com/avatar/b58996c504c5638798eb6b511e6f49af?d=blank&r=g');
  });

  it('lower-cases before hashing', () => {
    expect(gravatarUrl('User@Example.COM', defaults)).toBe(gravatarUrl('user@example.com', defaults));
  });

  it('uses the configured default image and rating', () => {
    expect(gravatarUrl('user@example.com', { enabled: true, defaultImage: '404', rating: 'pg' })).toBe(
      'https://www.gravatar.com/avatar/b58996c504c5638798eb6b511e6f49af?d=404&r=pg',
    );
  });

  it('returns the empty string when Gravatar is off', () => {
    expect(gravatarUrl('user@example.com', { ...defaults, enabled: false })).toBe('');
  });

  it('still builds a URL for the empty address (phone-only sign-ups)', () => {
    expect(gravatarUrl('', defaults)).toBe('https://www.gravatar.com/avatar/d41d8cd98f00b204e9800998ecf8427e?d=blank&r=g');
  });

  it("lower-cases like Go's strings.ToLower, one code point at a time", () => {
    // Go maps U+0130 to plain `i` and a final Σ to σ; JavaScript's toLowerCase would not.
    expect(gravatarUrl('İSTANBUL@example.com', defaults)).toContain('/8f2e112635293a06f06a1272afe9fd65?');
    expect(gravatarUrl('Σ@example.com', defaults)).toContain('/120acff0c3d957d4fd0165712316ba21?');
  });
});

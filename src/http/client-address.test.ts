import { describe, expect, it } from 'vitest';
import { bucketOf, createAddressResolver, normalizeIp } from './client-address.js';

describe('normalizeIp', () => {
  it('writes IPv4-mapped IPv6 as IPv4, in both notations', () => {
    expect(normalizeIp('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(normalizeIp('::ffff:cb00:7107')).toBe('203.0.113.7');
  });

  it('expands IPv6, drops the zone and refuses garbage', () => {
    expect(normalizeIp('2001:DB8::1')).toBe('2001:db8:0:0:0:0:0:1');
    expect(normalizeIp('fe80::1%eth0')).toBe('fe80:0:0:0:0:0:0:1');
    expect(normalizeIp('not-an-ip')).toBeNull();
    expect(normalizeIp('')).toBeNull();
  });
});

describe('bucketOf', () => {
  it('groups IPv6 addresses by /64 and keeps IPv4 addresses apart', () => {
    expect(bucketOf('2001:db8:1:2:0:0:0:a')).toBe('2001:db8:1:2::/64');
    expect(bucketOf(normalizeIp('2001:db8:1:2:ffff::b')!)).toBe('2001:db8:1:2::/64');
    expect(bucketOf('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(bucketOf('203.0.113.7')).toBe('203.0.113.7');
  });
});

describe('createAddressResolver', () => {
  const resolve = createAddressResolver(['10.0.0.0/8', '::1']);

  it('ignores forwarded headers from a peer that is not a trusted proxy', () => {
    const source = { peer: '198.51.100.9', headers: { 'x-forwarded-for': '203.0.113.7', 'x-real-ip': '203.0.113.8' } };
    expect(resolve(source).ip).toBe('198.51.100.9');
  });

  it('takes the rightmost untrusted hop of X-Forwarded-For from a trusted proxy', () => {
    const source = { peer: '10.1.2.3', headers: { 'x-forwarded-for': '1.1.1.1, 203.0.113.7, 10.9.9.9' } };
    expect(resolve(source).ip).toBe('203.0.113.7');
  });

  it('falls back to X-Real-IP, then to the peer, and stops at a malformed hop', () => {
    expect(resolve({ peer: '::1', headers: { 'x-real-ip': '[2001:db8::5]:443' } }).bucket).toBe('2001:db8:0:0::/64');
    expect(resolve({ peer: '::ffff:10.0.0.1', headers: {} }).ip).toBe('10.0.0.1');
    expect(resolve({ peer: '10.0.0.1', headers: { 'x-forwarded-for': 'junk, 203.0.113.7:5000' } }).ip).toBe('203.0.113.7');
    expect(resolve({ peer: '10.0.0.1', headers: { 'x-forwarded-for': '203.0.113.7, junk' } }).ip).toBe('10.0.0.1');
  });

  it('trusts nobody when no proxy is configured', () => {
    const none = createAddressResolver([]);
    expect(none({ peer: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.7' } }).ip).toBe('127.0.0.1');
  });
});

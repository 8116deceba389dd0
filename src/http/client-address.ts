import { BlockList, isIP } from 'node:net';

/** Who sent a request, as far as the rate limiter and Turnstile are concerned. */
export interface ClientAddress {
  /** The client's IP address (IPv4-mapped IPv6 written as IPv4). */
  readonly ip: string;
  /** The limiter's key: the IPv4 address, or the IPv6 /64 network (`2001:db8:1:2::/64`). */
  readonly bucket: string;
}

/** The parts of a request the address is derived from. */
export interface AddressSource {
  readonly peer: string | undefined;
  readonly headers: Record<string, string | string[] | undefined>;
}

/**
 * Resolves client addresses. The TCP peer is the client unless it is one of AUTH_TRUSTED_PROXIES:
 * only then are `X-Forwarded-For` (walked from the right, skipping further trusted proxies) and,
 * failing that, `X-Real-IP` believed. Anyone else could write any address there and get a fresh
 * rate-limit bucket per request.
 */
export function createAddressResolver(trustedProxies: readonly string[]): (source: AddressSource) => ClientAddress {
  const trusted = new BlockList();
  for (const entry of trustedProxies) {
    const [address = '', prefix] = entry.split('/');
    const normalized = normalizeIp(address);
    if (normalized === null) continue; // the configuration already refused malformed entries
    const family = isIP(normalized) === 6 ? 'ipv6' : 'ipv4';
    const isMapped = normalized !== address && family === 'ipv4';
    const bits = prefix === undefined ? (family === 'ipv6' ? 128 : 32) : Math.max(0, Number(prefix) - (isMapped ? 96 : 0));
    trusted.addSubnet(normalized, bits, family);
  }
  const isTrusted = (ip: string): boolean => trustedProxies.length > 0 && trusted.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');

  return (source) => {
    const peer = normalizeIp(source.peer ?? '') ?? '0.0.0.0';
    const ip = isTrusted(peer) ? forwardedClient(source.headers, peer, isTrusted) : peer;
    return { ip, bucket: bucketOf(ip) };
  };
}

function forwardedClient(headers: AddressSource['headers'], peer: string, isTrusted: (ip: string) => boolean): string {
  const forwardedFor = headerText(headers['x-forwarded-for']);
  if (forwardedFor !== '') {
    const hops = forwardedFor.split(',').map((hop) => hop.trim());
    let client = peer;
    for (let i = hops.length - 1; i >= 0; i -= 1) {
      const hop = normalizeIp(stripPort(hops[i] ?? ''));
      if (hop === null) break; // garbage: the last good hop is as far as we can trust
      client = hop;
      if (!isTrusted(hop)) break;
    }
    return client;
  }
  const realIp = normalizeIp(stripPort(headerText(headers['x-real-ip']).trim()));
  return realIp ?? peer;
}

function headerText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

/** `[::1]:443` → `::1`, `203.0.113.7:8080` → `203.0.113.7`; anything else unchanged. */
function stripPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return bracketed[1] ?? '';
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(hop);
  return v4WithPort ? (v4WithPort[1] ?? '') : hop;
}

/** A valid address in canonical form (IPv4-mapped IPv6 as IPv4, zone dropped), or null. */
export function normalizeIp(text: string): string | null {
  const address = text.replace(/%.*$/, '');
  const version = isIP(address);
  if (version === 4) return address;
  if (version !== 6) return null;
  const groups = expandIpv6(address);
  const isMapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (isMapped) return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  return groups.map((g) => g.toString(16)).join(':');
}

/** IPv4 addresses are their own bucket; IPv6 clients usually own a whole /64, so it is one bucket. */
export function bucketOf(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const groups = expandIpv6(ip);
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (with `::` and a dotted IPv4 tail expanded). */
function expandIpv6(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = Array.from({ length: 8 - headGroups.length - tailGroups.length }, () => '0');
  return [...headGroups, ...(tail === undefined ? [] : zeros), ...tailGroups].map((g) => parseInt(g, 16));
}

/**
 * URL checks that follow Go's `net/url.Parse`, which the reference uses on AUTH_SERVER_URL and
 * AUTH_CLIENT_URL. Go is far more lenient than the WHATWG parser (`example.com` and
 * `myapp:callback` both parse), so the WHATWG `URL` would refuse configurations that work with
 * Nhost Auth.
 */

const SCHEME_CHAR = /[A-Za-z0-9+.-]/;
const HEX = /^[0-9A-Fa-f]{2}$/;
// Characters Go accepts in a host name besides letters and digits (net/url shouldEscape, encodeHost).
const HOST_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:[\]<>"%]*$/;

function hasBadEscape(text: string): boolean {
  for (let i = text.indexOf('%'); i !== -1; i = text.indexOf('%', i + 1)) {
    if (!HEX.test(text.slice(i + 1, i + 3))) return true;
  }
  return false;
}

/** Go's scheme split: the scheme, or `''` when the text has none. Throws on `:foo`. */
function splitScheme(text: string): { scheme: string; rest: string } {
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (/[A-Za-z]/.test(c)) continue;
    if (SCHEME_CHAR.test(c)) {
      if (i === 0) return { scheme: '', rest: text };
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new Error('missing protocol scheme');
      return { scheme: text.slice(0, i), rest: text.slice(i + 1) };
    }
    return { scheme: '', rest: text };
  }
  return { scheme: '', rest: text };
}

function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port);
}

function checkHost(host: string): string | null {
  if (host.startsWith('[')) {
    const end = host.lastIndexOf(']');
    if (end === -1) return "missing ']' in host";
    if (!validOptionalPort(host.slice(end + 1))) return `invalid port "${host.slice(end + 1)}" after host`;
  } else {
    const colon = host.lastIndexOf(':');
    if (colon !== -1 && !validOptionalPort(host.slice(colon))) return `invalid port "${host.slice(colon)}" after host`;
  }
  if (hasBadEscape(host)) return 'invalid URL escape in host';
  if (!HOST_CHARS.test(host)) return 'invalid character in host name';
  return null;
}

/** Why Go's `url.Parse` would refuse `text`, or null when it parses. The empty string parses. */
export function goUrlParseError(text: string): string | null {
  if (/[\x00-\x1f\x7f]/.test(text)) return 'invalid control character in URL';
  const hash = text.indexOf('#');
  const beforeFragment = hash === -1 ? text : text.slice(0, hash);
  if (hash !== -1 && hasBadEscape(text.slice(hash + 1))) return 'invalid URL escape in fragment';
  let parts: { scheme: string; rest: string };
  try {
    parts = splitScheme(beforeFragment);
  } catch (err) {
    return (err as Error).message;
  }
  const question = parts.rest.indexOf('?');
  let rest = question === -1 ? parts.rest : parts.rest.slice(0, question);
  if (!rest.startsWith('/')) {
    if (parts.scheme !== '') return null; // opaque URL such as mailto:x or myapp:cb
    const slash = rest.indexOf('/');
    const firstSegment = slash === -1 ? rest : rest.slice(0, slash);
    if (firstSegment.includes(':')) return 'first path segment in URL cannot contain colon';
  }
  if ((parts.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    const authorityEnd = rest.indexOf('/', 2);
    const authority = authorityEnd === -1 ? rest.slice(2) : rest.slice(2, authorityEnd);
    rest = authorityEnd === -1 ? '' : rest.slice(authorityEnd);
    const hostProblem = checkHost(authority.slice(authority.lastIndexOf('@') + 1));
    if (hostProblem !== null) return hostProblem;
  }
  if (hasBadEscape(rest)) return 'invalid URL escape in path';
  return null;
}

/**
 * Go's `URL.Hostname()`: the host of the authority without port and IPv6 brackets, or `''` when
 * the URL has no authority.
 */
export function goUrlHostname(text: string): string {
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(text) ?? /^\/\/([^/?#]*)/.exec(text);
  if (!match) return '';
  const authority = match[1] ?? '';
  let host = authority.slice(authority.lastIndexOf('@') + 1);
  const colon = host.lastIndexOf(':');
  if (colon !== -1 && validOptionalPort(host.slice(colon))) host = host.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return host;
}

import { describe, expect, it } from 'vitest';
import { AuthError } from '../../errors.js';
import { compileRedirectAllowList, globsFor, hasAmbiguousRedirectShape, isRedirectAllowed, resolveRedirectTo } from './redirect.js';

// The allow-list of API.md §1.12.4's example table.
const table = compileRedirectAllowList('http://localhost:3000', [
  'https://acme.com/path',
  'https://*.acme.io',
  'myapp://my.app',
  'https://a.com/',
  'https://b.com/*',
  'https://c.com/**',
]);

describe('V-REDIRECT: the examples of API.md §1.12.4', () => {
  it.each([
    'http://localhost:3000',
    'http://localhost:3000/',
    'http://localhost:3000/subpath',
    'https://acme.com/path/subpath?query=param#fragment',
    'https://acme.com:443/path',
    'https://subdomain.acme.io',
    'https://123-subdomain.acme.io',
    'myapp://my.app/subpath',
    'https://a.com',
    'https://b.com/a/b',
    'https://c.com/a/',
  ])('allows %s', (candidate) => {
    expect(isRedirectAllowed(table, candidate)).toBe(true);
  });

  it.each([
    ['https://localhost:3000', 'another scheme'],
    ['http://localhost:4000', 'another port'],
    ['http://localhost', 'no port'],
    ['http://prefixlocalhost:3000', 'a longer host'],
    ['not-a-url', 'not a URL'],
    ['https://', 'no host'],
    ['https://acme.com/wrongpath', 'another path'],
    ['https://sub.sub.acme.io', '* spans one label only'],
    ['https://acme.io', 'the bare domain of a wildcard'],
  ])('rejects %s (%s)', (candidate) => {
    expect(isRedirectAllowed(table, candidate)).toBe(false);
  });

  it.each(['https://simple.com.hijack.com', 'https://simple.comhijack.com', 'http://simple.com.hijack.com', 'http://simple.comhijack.com'])(
    'rejects %s for the entry http://simple.com',
    (candidate) => {
      const list = compileRedirectAllowList('http://localhost:3000', ['http://simple.com']);
      expect(isRedirectAllowed(list, candidate)).toBe(false);
    },
  );
});

describe('V-REDIRECT: the worked examples of CONFIG.md §9', () => {
  it.each([
    ['http://localhost:3000', 'http://localhost:3000/a/b?x=1#y', true],
    ['https://acme.com/path', 'https://acme.com/path', true],
    ['https://acme.com/path', 'https://acme.com:443/path/sub', true],
    ['https://acme.com/path', 'https://acme.com/pathology', false],
    ['https://*.acme.io', 'https://app.acme.io', true],
    ['https://*.acme.io', 'https://a.b.acme.io', false],
    ['https://*-sub.acme.io', 'https://x-sub.acme.io', true],
    ['myapp://my.app', 'myapp://my.app', true],
    ['myapp://my.app', 'myapp://my.app/cb', true],
  ])('entry %s, candidate %s → %s', (entry, candidate, allowed) => {
    expect(isRedirectAllowed(compileRedirectAllowList('http://localhost:3000', [entry]), candidate)).toBe(allowed);
  });
});

describe('V-REDIRECT: pattern compilation', () => {
  it.each([
    ['https://a.com/**', ['https://a.com:443/**', 'https://a.com/**']],
    ['https://a.com/*', ['https://a.com:443/**', 'https://a.com/**']],
    ['https://a.com/', ['https://a.com:443/**', 'https://a.com/**']],
    ['https://a.com', ['https://a.com:443/**', 'https://a.com/**']],
    ['http://a.com/x', ['http://a.com:80/x/**', 'http://a.com/x/**']],
    ['http://a.com:8080', ['http://a.com:8080/**']],
    ['myapp://my.app', ['myapp://my.app/**', 'myapp://my.app/**']],
    ['', ['/**', '/**']],
  ])('turns %j into %j', (entry, globs) => {
    expect(globsFor(entry)).toEqual(globs);
  });

  it('puts the client URL first and drops empty entries', () => {
    const list = compileRedirectAllowList('http://localhost:3000', ['', 'https://a.com', '']);
    expect(list.sources).toEqual(['http://localhost:3000/**', 'https://a.com:443/**', 'https://a.com/**']);
  });

  it('gives an entry with an explicit default port no twin without it', () => {
    const list = compileRedirectAllowList('https://acme.com:443', []);
    expect(isRedirectAllowed(list, 'https://acme.com:443/x')).toBe(true);
    expect(isRedirectAllowed(list, 'https://acme.com/x')).toBe(false);
  });

  it('lets an empty client URL allow every path that starts with a slash, as the reference does', () => {
    const list = compileRedirectAllowList('', []);
    expect(isRedirectAllowed(list, '/dashboard')).toBe(true);
    expect(isRedirectAllowed(list, '')).toBe(true);
    expect(isRedirectAllowed(list, 'https://evil.com')).toBe(false);
  });

  it('reads an IPv6 literal as a character class, as the reference does; escaped brackets work', () => {
    expect(globsFor('https://[::1]')).toEqual(['https://[::1]/**']);
    expect(allows('https://[::1]', 'https://[::1]/')).toBe(false);
    expect(allows('https://[::1]', 'https://1/')).toBe(true);
    expect(allows('https://\\[::1\\]', 'https://[::1]/cb')).toBe(true);
  });

  it('does not treat the path of the client URL as an origin', () => {
    const list = compileRedirectAllowList('https://app.com/app', []);
    expect(isRedirectAllowed(list, 'https://app.com/app/x')).toBe(true);
    expect(isRedirectAllowed(list, 'https://app.com/other')).toBe(false);
  });
});

function allows(entry: string, candidate: string): boolean {
  return isRedirectAllowed(compileRedirectAllowList('http://localhost:3000', [entry]), candidate);
}

describe('V-REDIRECT: glob syntax', () => {
  it.each([
    ['https://*.a.com', 'https://x.a.com', true],
    ['https://*.a.com', 'https://.a.com', true], // `*` may be empty
    ['https://*.a.com', 'https://x/y.a.com', false],
    ['https://**.a.com', 'https://x.y.a.com', true],
    ['https://**.a.com', 'https://evil.com/.a.com', true], // `**` crosses `/` too: a loose entry is loose
    ['https://x?.a.com', 'https://xy.a.com', true],
    ['https://x?.a.com', 'https://x.a.com', false],
    ['https://x?.a.com', 'https://x..a.com', false], // `?` is not a separator
    ['https://x?.a.com', 'https://xyz.a.com', false],
    ['https://app[0-9].a.com', 'https://app7.a.com', true],
    ['https://app[0-9].a.com', 'https://appx.a.com', false],
    ['https://app[!0-9].a.com', 'https://appx.a.com', true],
    ['https://app[!0-9].a.com', 'https://app7.a.com', false],
    ['https://app[xy].a.com', 'https://appy.a.com', true],
    ['https://app[xy].a.com', 'https://appz.a.com', false],
    ['https://app[!xy].a.com', 'https://appz.a.com', true],
    ['https://app[.].a.com', 'https://app..a.com', true], // classes include separators
    ['https://{dev,staging}.a.com', 'https://dev.a.com', true],
    ['https://{dev,staging}.a.com', 'https://staging.a.com', true],
    ['https://{dev,staging}.a.com', 'https://prod.a.com', false],
    ['https://{dev,st{a,b}}.a.com', 'https://stb.a.com', true],
    ['https://{dev,}.a.com', 'https://.a.com', true],
    ['https://{a.com,b.com', 'https://b.com/x', true], // an unclosed `{` closes at the end
    ['https://a,b.com', 'https://a,b.com', true], // `,` is literal outside braces
    ['https://a}.com', 'https://a}.com', true],
    ['https://a].com', 'https://a].com', true],
    ['https://\\*.a.com', 'https://*.a.com', true],
    ['https://\\*.a.com', 'https://x.a.com', false],
    ['https://a.com/\\{x}', 'https://a.com/{x}', true],
    ['https://a.com/[\\]]', 'https://a.com/]', true],
  ])('entry %s, candidate %s → %s', (entry, candidate, allowed) => {
    expect(allows(entry, candidate)).toBe(allowed);
  });

  it.each([
    ['https://a.com/(x|y)+', 'https://a.com/(x|y)+', true],
    ['https://a.com/(x|y)+', 'https://a.com/x', false],
    ['https://a.com/^$', 'https://a.com/^$', true],
    ['https://a.com/a+b', 'https://a.com/aab', false],
    ['https://a.com/x.y', 'https://a.com/xzy', false], // `.` is a literal dot, not "any character"
    ['https://a.com/$1', 'https://a.com/$1', true],
  ])('escapes regex syntax: entry %s, candidate %s → %s', (entry, candidate, allowed) => {
    expect(allows(entry, candidate)).toBe(allowed);
  });

  it('matches case-sensitively', () => {
    expect(allows('https://acme.com', 'https://ACME.com')).toBe(false);
    expect(allows('https://acme.com', 'HTTPS://acme.com')).toBe(false);
    expect(allows('https://Acme.com', 'https://Acme.com')).toBe(true);
  });

  it('counts code points, not UTF-16 units', () => {
    expect(allows('https://?.a.com', 'https://😀.a.com')).toBe(true);
    expect(allows('https://[😀].a.com', 'https://😀.a.com')).toBe(true);
  });

  it.each(['https://a.com/[', 'https://a.com/[]', 'https://a.com/[!]', 'https://a.com/[z-a]', 'https://a.com/[a-', 'https://a.com/[a-bc]'])(
    'refuses the unparseable entry %s at start-up',
    (entry) => {
      expect(() => compileRedirectAllowList('http://localhost:3000', [entry])).toThrow(/invalid redirect URL pattern/);
    },
  );
});

describe('V-REDIRECT: the candidate cut', () => {
  it('matches without the query and fragment', () => {
    expect(allows('https://a.com/cb', 'https://a.com/cb?next=https://evil.com')).toBe(true);
    expect(allows('https://a.com/cb', 'https://a.com/cb#https://evil.com')).toBe(true);
    expect(allows('https://a.com/cb', 'https://a.com/c?b')).toBe(false);
  });

  it('cuts at # before ?', () => {
    expect(allows('https://a.com/cb', 'https://a.com/cb#x?y')).toBe(true);
    expect(allows('https://a.com/cb', 'https://a.com/c#b?/cb')).toBe(false);
  });

  it('adds one trailing slash at most', () => {
    expect(allows('https://a.com/cb/', 'https://a.com/cb')).toBe(true);
    expect(allows('https://a.com/cb/x/', 'https://a.com/cb')).toBe(false);
  });
});

describe('V-REDIRECT: hijack attempts', () => {
  const list = compileRedirectAllowList('https://acme.com', ['https://*.acme.io', 'myapp://my.app']);

  it.each([
    'https://acme.com.evil.com',
    'https://acme.comevil.com',
    'https://acme.com@evil.com',
    'https://acme.com:443@evil.com',
    'https://acme.com%2F@evil.com',
    'https://acme.com\\@evil.com',
    'https://acme.com\\.evil.com',
    'https://evil.com/https://acme.com',
    'https://evil.com?https://acme.com/',
    'https://evil.com#https://acme.com/',
    '//evil.com',
    '/\\evil.com',
    '\\\\evil.com',
    'javascript:alert(1)',
    'javascript://acme.com/%0aalert(1)',
    'data:text/html,https://acme.com/',
    'HTTPS://acme.com',
    'https://ACME.COM',
    ' https://acme.com',
    'https://acme.com\t.evil.com',
    'https://acme.com\n.evil.com',
    'https://acme.com/\r\nSet-Cookie: x=1',
    'https://аcme.com', // Cyrillic а
    'https://acme.com／evil', // fullwidth solidus
    'https://acme.com。evil.com', // ideographic full stop
    'https://evil.com\\.acme.io',
    'https://evil%2Ecom\\.acme.io', // the browser goes to host evil.com
    'https://evil.com/.acme.io',
    'https://evil.com?.acme.io',
    'https://evil.com#.acme.io',
    'https://sub.evil.com.acme.io.evil.com',
    'myapp://my.app.evil.com',
    'myapp://my.appevil',
  ])('rejects %j', (candidate) => {
    expect(isRedirectAllowed(list, candidate)).toBe(false);
  });

  it('still allows ordinary targets of the same list', () => {
    expect(isRedirectAllowed(list, 'https://acme.com/cb?x=\\y')).toBe(true); // a backslash after `?` is query data
    expect(isRedirectAllowed(list, 'https://app.acme.io/cb')).toBe(true);
    expect(isRedirectAllowed(list, 'myapp://my.app')).toBe(true);
  });

  it('refuses scheme-relative targets even where a /** pattern would match them', () => {
    const open = compileRedirectAllowList('', []);
    expect(isRedirectAllowed(open, '//evil.com/x')).toBe(false);
    expect(isRedirectAllowed(open, '/\\evil.com/x')).toBe(false);
    expect(isRedirectAllowed(open, '/\t/evil.com/x')).toBe(false);
    expect(isRedirectAllowed(open, '/local/path')).toBe(true);
  });

  it.each([
    ['https://a.com\\b', true],
    ['https://a.com/?q=\\', false],
    ['https://a.com/#\\', false],
    ['//a.com', true],
    ['/a', false],
    ['https://a.com/\u0000', true],
    ['https://a.com/\u007f', true],
    ['https://a.com/é', false],
  ])('flags %j as ambiguous: %s', (candidate, ambiguous) => {
    expect(hasAmbiguousRedirectShape(candidate)).toBe(ambiguous);
  });
});

describe('resolveRedirectTo', () => {
  it('defaults to the client URL without checking it', () => {
    const list = compileRedirectAllowList('http://localhost:3000', []);
    expect(resolveRedirectTo(list, 'http://not-on-the-list', undefined)).toBe('http://not-on-the-list');
  });

  it('returns an allowed value whole, query and fragment included', () => {
    expect(resolveRedirectTo(table, 'http://localhost:3000', 'https://acme.com/path/x?a=1#b')).toBe('https://acme.com/path/x?a=1#b');
  });

  it('throws redirectTo-not-allowed for a value off the list, the empty string included', () => {
    for (const requested of ['https://evil.com', '']) {
      expect(() => resolveRedirectTo(table, 'http://localhost:3000', requested)).toThrow(AuthError);
      try {
        resolveRedirectTo(table, 'http://localhost:3000', requested);
      } catch (err) {
        expect((err as AuthError).code).toBe('redirectTo-not-allowed');
      }
    }
  });
});

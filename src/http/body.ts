import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * What the content-type parsers leave in `request.body`. Parsing never throws: the router turns
 * each problem into the reference's 400 validation failure at the right pipeline stage
 * (security is checked before the body, API.md §1.5).
 */
export type ParsedBody =
  | { kind: 'json'; value: unknown }
  | { kind: 'form'; value: Record<string, string> }
  | { kind: 'empty'; mediaType: string }
  | { kind: 'invalid'; reason: string }
  | { kind: 'unsupported'; mediaType: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Deeper JSON is refused: serialising it again (to store metadata) would overflow the stack. */
export const MAX_JSON_DEPTH = 512;

/** Nesting depth of a JSON text, skipping strings; linear and allocation-free. */
function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

function decodeUtf8(raw: Buffer): string | null {
  try {
    return utf8.decode(raw);
  } catch {
    return null;
  }
}

function mediaTypeOf(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, raw: Buffer, done) => {
    if (raw.length === 0) return done(null, { kind: 'empty', mediaType: mediaTypeOf(request) } satisfies ParsedBody);
    const text = decodeUtf8(raw);
    if (text === null) return done(null, { kind: 'invalid', reason: 'request body is not valid UTF-8' } satisfies ParsedBody);
    if (text.trim() === '') return done(null, { kind: 'empty', mediaType: mediaTypeOf(request) } satisfies ParsedBody);
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      return done(null, { kind: 'invalid', reason: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` } satisfies ParsedBody);
    }
    try {
      return done(null, { kind: 'json', value: JSON.parse(text) as unknown } satisfies ParsedBody);
    } catch (err) {
      return done(null, { kind: 'invalid', reason: `failed to decode request body: ${(err as Error).message}` } satisfies ParsedBody);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (_request, raw: Buffer, done) => {
    const text = decodeUtf8(raw);
    if (text === null) return done(null, { kind: 'invalid', reason: 'request body is not valid UTF-8' } satisfies ParsedBody);
    return done(null, { kind: 'form', value: Object.fromEntries(new URLSearchParams(text)) } satisfies ParsedBody);
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, raw: Buffer, done) => {
    const mediaType = mediaTypeOf(request);
    if (raw.length === 0) return done(null, { kind: 'empty', mediaType } satisfies ParsedBody);
    return done(null, { kind: 'unsupported', mediaType } satisfies ParsedBody);
  });
}

/** The body as the router sees it; `undefined` when the request had none at all. */
export function parsedBodyOf(request: FastifyRequest): ParsedBody | undefined {
  const body = request.body as ParsedBody | undefined | null;
  return body ?? undefined;
}

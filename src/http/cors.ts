import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * CORS exactly as the reference does it (API.md §1.11.1, CONFIG.md §21): any origin is reflected
 * with credentials allowed. The API uses no cookies, so this is safe and clients depend on it.
 * Returns true when the request was fully answered (OPTIONS preflight).
 */
export function applyCors(request: FastifyRequest, reply: FastifyReply): boolean {
  const origin = request.headers.origin;
  const isPreflight = request.method === 'OPTIONS';
  if (origin === undefined && !isPreflight) return false;
  reply.header('Access-Control-Allow-Origin', origin ?? '');
  reply.header('Access-Control-Allow-Methods', 'POST, GET');
  reply.header('Access-Control-Allow-Headers', request.headers['access-control-request-headers'] ?? '');
  reply.header('Access-Control-Allow-Credentials', 'true');
  reply.header('Access-Control-Max-Age', '86400');
  reply.header('Vary', 'Origin, Access-Control-Request-Method');
  if (!isPreflight) return false;
  reply.code(204).header('Content-Length', '0').send();
  return true;
}

import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A stage run after CORS and before routing (API.md §1.5 steps 2–3: rate limiting, Turnstile).
 * Resolves true when it has answered the request itself.
 */
export type RequestGuard = (request: FastifyRequest, reply: FastifyReply) => Promise<boolean>;

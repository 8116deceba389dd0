import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { PasswordHasherClosedError, PasswordQueueFullError, PasswordTooLongError } from '../adapters/password/password-hasher.js';
import type { FlowDeps } from '../flows/deps.js';
import { registerBodyParsers } from './body.js';
import { applyCors } from './cors.js';
import { sendAuthError, sendJson, sendValidationFailure } from './error-response.js';
import type { RequestGuard } from './guard.js';
import { registerOperations, type HandlerTable } from './router.js';

export interface ServerOptions {
  log: Logger;
  handlers: HandlerTable;
  /** The live dependencies; `POST /change-env` swaps them between requests. */
  currentDeps: () => FlowDeps;
  /** Largest accepted request body in bytes. */
  bodyLimitBytes?: number;
  /** Stages run in order after CORS and before routing: the rate limiter, then Turnstile. */
  guards?: readonly RequestGuard[];
}

/** Builds the Fastify server: parsers, CORS, the contract's routes, and the error shapes. */
export function buildServer(options: ServerOptions): FastifyInstance {
  const deps = options.currentDeps();
  const { apiPrefix, enableChangeEnv } = deps.config.server;
  const app = Fastify({
    loggerInstance: options.log as unknown as FastifyBaseLogger,
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    exposeHeadRoutes: false, // HEAD /healthz is an operation of its own in the contract
    return503OnClosing: true,
    requestIdHeader: false,
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 500 },
  });
  registerBodyParsers(app);

  app.addHook('onRequest', async (request, reply) => {
    if (applyCors(request, reply)) return reply;
    for (const guard of options.guards ?? []) {
      if (await guard(request, reply)) return reply;
    }
    return undefined;
  });

  registerOperations(app, { prefix: apiPrefix, handlers: options.handlers, currentDeps: options.currentDeps, enableTestOnly: enableChangeEnv });

  // Load balancers probe the un-prefixed path (API.md §1.1).
  if (apiPrefix !== '') {
    app.get('/healthz', async (_request, reply) => sendJson(reply, 200, { status: 'ok' }));
    app.head('/healthz', async (_request, reply) => reply.code(200).send());
  }

  // The reference answers plain text here; we keep its status but write JSON, because the
  // official SDK parses every error body as JSON (API-NEWER.md §5.4).
  app.setNotFoundHandler(async (_request, reply) => sendValidationFailure(reply, '404 page not found', 404));

  app.setErrorHandler(async (err: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (err instanceof PasswordQueueFullError) {
      request.log.warn('password hashing queue full: shedding load');
      return reply.code(429).header('retry-after', '1').send();
    }
    if (err instanceof PasswordHasherClosedError) return reply.code(503).send(); // shutting down
    if (err instanceof PasswordTooLongError) {
      // Over 72 UTF-8 bytes: bcrypt cannot hash it and the reference answers 500 (SCHEMA.md §10.1).
      request.log.warn('password longer than 72 bytes refused');
      return sendAuthError(reply, 'internal-server-error', false);
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      request.log.warn({ code: err.code }, err.message);
      return sendValidationFailure(reply, err.message, status);
    }
    request.log.error({ err }, 'unexpected failure');
    return sendAuthError(reply, 'internal-server-error', false);
  });

  return app;
}

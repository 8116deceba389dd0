import type { FastifyReply } from 'fastify';
import { AuthError, errorEnvelope, type ErrorCode } from '../errors.js';
import { withQueryParams } from './redirect-url.js';

/**
 * Every error body the server writes goes through here, so AUTH_CONCEAL_ERRORS (API.md §1.9)
 * and the reference's shapes (API.md §1.6, §1.8) are applied in one place.
 */
export function sendAuthError(reply: FastifyReply, code: ErrorCode, concealErrors: boolean): FastifyReply {
  const body = errorEnvelope(code, concealErrors);
  return sendJson(reply, body.status, body);
}

/** The reference's validation-failure shape: `400 {"error": "<text>"}` (API.md §1.8). */
export function sendValidationFailure(reply: FastifyReply, text: string, status = 400): FastifyReply {
  return sendJson(reply, status, { error: text });
}

export function securityFailureText(reason: string): string {
  return `error in openapi3filter.SecurityRequirementsError: security requirements failed: ${reason}`;
}

export function requestErrorText(reason: string): string {
  return `error in openapi3filter.RequestError: ${reason}`;
}

/** JSON with an explicit content type, also for bare JSON strings such as `"OK"`. */
export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
}

/** Error redirects (API.md §1.10): the target URL gets `error` and `errorDescription`. */
export function errorRedirectUrl(target: string, code: ErrorCode, concealErrors: boolean, extra: Record<string, string> = {}): string {
  const body = errorEnvelope(code, concealErrors);
  return withQueryParams(target, { error: body.error, errorDescription: body.message, ...extra });
}

export function isAuthError(err: unknown): err is AuthError {
  return err instanceof AuthError;
}

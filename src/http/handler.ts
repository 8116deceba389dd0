import type { FastifyRequest } from 'fastify';
import type { OperationId } from '../contract/generated.js';
import type { RequestBody, RequestParams, RequestQuery, SuccessBody } from '../contract/types.js';
import type { FlowDeps } from '../flows/deps.js';
import type { AuthContext } from '../flows/auth-context.js';

/** What a handler receives besides `deps`: validated input and the caller's identity. */
export interface HandlerInput<Id extends OperationId> {
  body: RequestBody<Id>;
  query: RequestQuery<Id>;
  params: RequestParams<Id>;
  /** The verified access token; null when absent or (for optional modes) not usable. */
  auth: AuthContext | null;
  request: FastifyRequest;
}

/** A JSON answer, a bodiless answer (HEAD) or a 302 redirect (API.md §1.10). */
export type HandlerResult<Id extends OperationId> =
  | { status: 200; body: SuccessBody<Id> }
  | { status: 200; empty: true }
  /** `setCookies`: `Set-Cookie` header values sent with the redirect (OAuth browser binding). */
  | { redirect: string; setCookies?: readonly string[] };

export type Handler<Id extends OperationId> = (deps: FlowDeps, input: HandlerInput<Id>) => Promise<HandlerResult<Id>>;

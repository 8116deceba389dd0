import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OPERATIONS, type OperationId } from '../contract/generated.js';
import { describeSchemaError, validatorsFor } from '../contract/validate.js';
import { AuthError } from '../errors.js';
import type { FlowDeps } from '../flows/deps.js';
import type { AuthContext } from '../flows/auth-context.js';
import { authenticateHeader } from '../flows/authenticate.js';
import { isElevationSatisfied } from '../flows/elevation.js';
import { parsedBodyOf } from './body.js';
import { requestErrorText, securityFailureText, sendAuthError, sendJson, sendValidationFailure } from './error-response.js';
import type { Handler, HandlerResult } from './handler.js';

type AnyHandler = Handler<OperationId>;
export type HandlerTable = { [Id in OperationId]: Handler<Id> };

interface OperationSpec {
  method: string;
  path: string;
  security: 'none' | 'bearer' | 'bearer-optional' | 'elevated' | 'elevated-optional';
  testOnly: boolean;
  body: { required: boolean; mediaType: string } | null;
}

/** `/signin/provider/{provider}` → `/signin/provider/:provider` */
function toFastifyPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

type Stage<T> = { ok: true; value: T } | { ok: false; send: (reply: FastifyReply) => FastifyReply };

function fail(text: string): { ok: false; send: (reply: FastifyReply) => FastifyReply } {
  return { ok: false, send: (reply) => sendValidationFailure(reply, text) };
}

/** Security stage (API.md §1.3–1.5): runs before schema validation. */
async function checkSecurity(deps: FlowDeps, id: OperationId, spec: OperationSpec, request: FastifyRequest): Promise<Stage<AuthContext | null>> {
  if (spec.security === 'none') return { ok: true, value: null };
  const result = await authenticateHeader(deps, request.headers.authorization);
  const isOptional = spec.security === 'bearer-optional' || spec.security === 'elevated-optional';
  if (!result.ok) return isOptional ? { ok: true, value: null } : fail(securityFailureText(result.reason));
  if (spec.security === 'elevated' || spec.security === 'elevated-optional') {
    if (!(await isElevationSatisfied(deps, result.auth, id))) {
      // elevated-optional (POST /user/password) silently falls back to ticket mode.
      return isOptional ? { ok: true, value: null } : fail(securityFailureText('elevated-claim-required'));
    }
  }
  return { ok: true, value: result.auth };
}

/** Body stage: media type, presence and the contract's schema (API.md §1.2, §1.8). */
function checkBody(id: OperationId, spec: OperationSpec, request: FastifyRequest): Stage<unknown> {
  if (!spec.body) return { ok: true, value: undefined };
  const parsed = parsedBodyOf(request);
  let value: unknown;
  if (parsed === undefined || parsed.kind === 'empty') {
    if (spec.body.required) return fail(requestErrorText('request body has an error: value is required but missing'));
    return { ok: true, value: undefined };
  }
  if (parsed.kind === 'invalid') return fail(requestErrorText(`request body has an error: ${parsed.reason}`));
  if (parsed.kind === 'unsupported') return fail(requestErrorText(`request body has an error: header Content-Type has unexpected value "${parsed.mediaType}"`));
  const expectsForm = spec.body.mediaType === 'application/x-www-form-urlencoded';
  if ((parsed.kind === 'form') !== expectsForm) {
    return fail(requestErrorText(`request body has an error: header Content-Type has unexpected value`));
  }
  value = parsed.value;
  const validate = validatorsFor(id).body;
  if (validate && !validate(value)) return fail(requestErrorText(`request body has an error: ${describeSchemaError('body', validate.errors)}`));
  return { ok: true, value };
}

function checkParameters(id: OperationId, request: FastifyRequest): Stage<{ query: unknown; params: unknown }> {
  const v = validatorsFor(id);
  const query = (request.query ?? {}) as Record<string, unknown>;
  const params = (request.params ?? {}) as Record<string, unknown>;
  if (v.params && !v.params(params)) return fail(requestErrorText(`parameter has an error: ${describeSchemaError('path', v.params.errors)}`));
  if (v.query && !v.query(query)) return fail(requestErrorText(`parameter has an error: ${describeSchemaError('query', v.query.errors)}`));
  return { ok: true, value: { query, params } };
}

function sendResult(reply: FastifyReply, result: HandlerResult<OperationId>): FastifyReply {
  if ('redirect' in result) {
    if (result.setCookies?.length) reply.header('set-cookie', [...result.setCookies]);
    return reply.code(302).header('location', result.redirect).send();
  }
  if ('empty' in result) return reply.code(200).send();
  return sendJson(reply, result.status, result.body);
}

/** Registers every operation of the contract, each bound to its handler by operationId. */
export function registerOperations(app: FastifyInstance, options: { prefix: string; handlers: HandlerTable; currentDeps: () => FlowDeps; enableTestOnly: boolean }): void {
  for (const id of Object.keys(OPERATIONS) as OperationId[]) {
    const spec = OPERATIONS[id] as unknown as OperationSpec;
    if (spec.testOnly && !options.enableTestOnly) continue;
    const handler = options.handlers[id] as AnyHandler;
    app.route({
      method: spec.method as 'GET',
      url: options.prefix + toFastifyPath(spec.path),
      handler: async (request, reply) => {
        const deps = options.currentDeps();
        const parameters = checkParameters(id, request);
        if (!parameters.ok) return parameters.send(reply);
        const security = await checkSecurity(deps, id, spec, request);
        if (!security.ok) return security.send(reply);
        const body = checkBody(id, spec, request);
        if (!body.ok) return body.send(reply);
        try {
          const result = await handler({ ...deps, log: request.log as unknown as FlowDeps['log'] }, {
            body: body.value as never,
            query: parameters.value.query as never,
            params: parameters.value.params as never,
            auth: security.value,
            request,
          });
          return sendResult(reply, result);
        } catch (err) {
          if (err instanceof AuthError) {
            if (err.status >= 500) request.log.error({ err, cause: err.cause }, `${id} failed`);
            else request.log.warn({ code: err.code }, `${id} refused`);
            return sendAuthError(reply, err.code, deps.config.server.concealErrors);
          }
          throw err;
        }
      },
    });
  }
}

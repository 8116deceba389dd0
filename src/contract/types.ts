import type { components, operations } from './generated.js';
import type { OperationId } from './generated.js';

type JsonContent<T> = T extends { content: { 'application/json': infer B } } ? B : undefined;

/** The decoded JSON body of an operation's request (undefined when the operation has none). */
export type RequestBody<Id extends OperationId> = Id extends keyof operations
  ? operations[Id] extends { requestBody?: infer R }
    ? JsonContent<NonNullable<R>> | (undefined extends R ? undefined : never)
    : undefined
  : undefined;

/** The query parameters of an operation. */
export type RequestQuery<Id extends OperationId> = Id extends keyof operations
  ? operations[Id] extends { parameters: { query?: infer Q } }
    ? NonNullable<Q>
    : Record<string, never>
  : Record<string, never>;

/** The path parameters of an operation. */
export type RequestParams<Id extends OperationId> = Id extends keyof operations
  ? operations[Id] extends { parameters: { path?: infer P } }
    ? NonNullable<P>
    : Record<string, never>
  : Record<string, never>;

/** The JSON body of an operation's 200 answer. */
export type SuccessBody<Id extends OperationId> = Id extends keyof operations
  ? operations[Id] extends { responses: { 200: infer R } }
    ? JsonContent<R>
    : undefined
  : undefined;

export type Schemas = components['schemas'];

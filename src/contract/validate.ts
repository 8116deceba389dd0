import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { isStorableEmail, isValidEmail } from '../flows/rules/email-format.js';
import { componentSchemas, OPERATIONS, type OperationId } from './generated.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** Compiled validators for one operation. `null` where the contract defines nothing. */
export interface OperationValidators {
  body: ValidateFunction | null;
  query: ValidateFunction | null;
  params: ValidateFunction | null;
  responses: Record<string, ValidateFunction>;
}

function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    strict: false, // the contract carries OpenAPI keywords (example, x-*) that are not JSON Schema
    allErrors: false,
    coerceTypes: false,
    useDefaults: false,
    removeAdditional: false,
    unicodeRegExp: true, // \p{L} in patterns; lengths count code points
  });
  addFormats(ajv, ['date-time', 'uri']);
  // The reference checks e-mail addresses with its own permissive RFC 5322 expression (API.md §1.2).
  // Addresses the `auth.email` domain would refuse are refused here too, as a 400 rather than a 500.
  ajv.addFormat('email', { type: 'string', validate: (s: string) => isValidEmail(s) && isStorableEmail(s) });
  ajv.addFormat('byte', { type: 'string', validate: (s: string) => /^[a-zA-Z0-9+/\-_]*=*$/.test(s) });
  ajv.addSchema({ $id: 'contract', $defs: componentSchemas as unknown as Record<string, object> });
  return ajv;
}

let cache: { ajv: Ajv2020; byOperation: Map<OperationId, OperationValidators> } | undefined;

/** Validators compiled once per process from the contract. */
export function validatorsFor(id: OperationId): OperationValidators {
  cache ??= { ajv: createAjv(), byOperation: new Map() };
  const known = cache.byOperation.get(id);
  if (known) return known;
  const { ajv } = cache;
  const op = OPERATIONS[id] as unknown as {
    body: { schema: object } | null;
    query: object | null;
    params: object | null;
    responses: Record<string, object>;
  };
  const responses: Record<string, ValidateFunction> = {};
  for (const [status, schema] of Object.entries(op.responses)) responses[status] = ajv.compile(schema);
  const compiled: OperationValidators = {
    body: op.body ? ajv.compile(op.body.schema) : null,
    query: op.query ? ajv.compile(op.query) : null,
    params: op.params ? ajv.compile(op.params) : null,
    responses,
  };
  cache.byOperation.set(id, compiled);
  return compiled;
}

/** One line describing the first schema failure, in the spirit of the reference's messages. */
export function describeSchemaError(where: string, errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return `${where} is invalid`;
  const at = first.instancePath ? `property "${first.instancePath.slice(1).replaceAll('/', '.')}"` : where;
  if (first.keyword === 'additionalProperties') {
    return `${at} has an unsupported property "${String((first.params as { additionalProperty?: string }).additionalProperty)}"`;
  }
  if (first.keyword === 'required') {
    return `${at} is missing the required property "${String((first.params as { missingProperty?: string }).missingProperty)}"`;
  }
  return `${at} ${first.message ?? 'is invalid'}`;
}

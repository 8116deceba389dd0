import { expect } from 'vitest';
import type { ApiResponse, RequestOptions, TestApp } from './app.js';
import { expectValidationFailure, rowCounts } from './system.js';

// Malformed requests every JSON operation must refuse with 400 before its handler runs, writing
// nothing (API.md §1.5, §1.8).

export const REQUEST_ERROR = 'error in openapi3filter.RequestError: ';

/** Sends the request and checks it was refused with a 400 `{"error"}` body, writing nothing. */
export async function expectRefused(t: TestApp, method: string, path: string, options: RequestOptions, startsWith: string | undefined = REQUEST_ERROR): Promise<ApiResponse> {
  const before = await rowCounts(t.db);
  const res = await t.request(method, path, options);
  expectValidationFailure(res, { startsWith });
  expect(await rowCounts(t.db)).toEqual(before);
  return res;
}

export const json = (value: unknown): RequestOptions => ({ raw: JSON.stringify(value), contentType: 'application/json' });
/** The valid body with bytes that are not UTF-8 inside its last string value. */
export const invalidUtf8 = (valid: Record<string, unknown>): RequestOptions => {
  const text = JSON.stringify(valid);
  const at = text.lastIndexOf('"');
  return { raw: Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from(text.slice(at))]), contentType: 'application/json' };
};

/** Mistakes of form that every JSON operation refuses, built around one valid body. */
export function formMistakes(valid: () => Record<string, unknown>): Array<[string, () => RequestOptions]> {
  return [
    ['malformed JSON', () => ({ raw: JSON.stringify(valid()).slice(0, -3), contentType: 'application/json' })],
    ['JSON followed by garbage', () => ({ raw: `${JSON.stringify(valid())} trailing`, contentType: 'application/json' })],
    ['single-quoted JSON', () => ({ raw: JSON.stringify(valid()).replaceAll('"', "'"), contentType: 'application/json' })],
    ['invalid UTF-8 bytes in a string value', () => invalidUtf8(valid())],
    ['a text/plain body', () => ({ raw: JSON.stringify(valid()), contentType: 'text/plain' })],
    ['a form body', () => ({ raw: new URLSearchParams(valid() as Record<string, string>).toString(), contentType: 'application/x-www-form-urlencoded' })],
    ['a body without Content-Type', () => ({ raw: Buffer.from(JSON.stringify(valid())), contentType: null })],
    ['JSON null', () => json(null)],
    ['an empty array', () => json([])],
    ['an array holding the valid body', () => json([valid()])],
    ['a JSON string', () => json('hello')],
    ['a JSON number', () => json(42)],
    ['an unknown extra property', () => json({ ...valid(), extra: true })],
  ];
}

/** The bodies an operation with a required body refuses for being absent. */
export const emptyBodies: Array<[string, () => RequestOptions]> = [
  ['no body at all', () => ({ contentType: null })],
  ['an empty JSON body', () => ({ raw: '', contentType: 'application/json' })],
  ['a whitespace-only JSON body', () => ({ raw: '  \n', contentType: 'application/json' })],
];


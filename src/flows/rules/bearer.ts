/**
 * The token of an `Authorization: Bearer <jwt>` header (API.md §1.3), or null. Like the reference,
 * the value is split on single spaces and accepted only as exactly two parts whose first is
 * `Bearer` (case-sensitive), so `bearer x`, `Bearer  x` and `Bearer x y` carry no token. An empty
 * token (`Bearer `) is returned as null: it could never validate.
 */
export function parseBearer(header: string | undefined): string | null {
  if (header === undefined) return null;
  const parts = header.split(' ');
  if (parts.length !== 2 || parts[0] !== 'Bearer') return null;
  const token = parts[1];
  return token === undefined || token === '' ? null : token;
}

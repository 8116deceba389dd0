import { randomBytes, randomInt, randomUUID } from 'node:crypto';

/** Where randomness comes from, so tests can pin it. Always cryptographically strong by default. */
export interface Random {
  uuid(): string;
  bytes(length: number): Buffer;
  /** `length` decimal digits, uniformly random (leading zeros kept). */
  digits(length: number): string;
}

export const cryptoRandom: Random = {
  uuid: () => randomUUID(),
  bytes: (length) => randomBytes(length),
  digits: (length) => Array.from({ length }, () => String(randomInt(10))).join(''),
};

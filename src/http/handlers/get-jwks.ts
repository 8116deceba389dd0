import type { Handler } from '../handler.js';

export const getJWKs: Handler<'getJWKs'> = async (deps) => ({ status: 200, body: deps.keys.jwks(deps.clock.now()) as never });

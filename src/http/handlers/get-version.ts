import type { Handler } from '../handler.js';

export const getVersion: Handler<'getVersion'> = async (deps) => ({ status: 200, body: { version: deps.version } });

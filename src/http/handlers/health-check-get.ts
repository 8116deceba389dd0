import type { Handler } from '../handler.js';

export const healthCheckGet: Handler<'healthCheckGet'> = async () => ({ status: 200, body: 'OK' });

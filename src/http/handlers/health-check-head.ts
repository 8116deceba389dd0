import type { Handler } from '../handler.js';

export const healthCheckHead: Handler<'healthCheckHead'> = async () => ({ status: 200, empty: true });

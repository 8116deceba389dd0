import type { Handler } from '../handler.js';

/**
 * Test-only `POST /change-env` (CONFIG.md §19), registered only with AUTH_ENABLE_CHANGE_ENV=true.
 * The app swaps its live configuration; see `src/app.ts`.
 */
export const changeEnv: Handler<'changeEnv'> = async (deps, { body }) => {
  await deps.changeEnv?.(body as Record<string, unknown>);
  return { status: 200, body: { message: 'environment changed successfully' } };
};

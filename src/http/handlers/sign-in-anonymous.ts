import { signInAnonymously } from '../../flows/anonymous.js';
import type { Handler } from '../handler.js';

export const signInAnonymous: Handler<'signInAnonymous'> = async (deps, { body }) => {
  const session = await signInAnonymously(deps, { displayName: body?.displayName, locale: body?.locale, metadata: body?.metadata });
  return { status: 200, body: { session } };
};

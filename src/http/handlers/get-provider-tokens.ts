import { readProviderTokens } from '../../flows/provider-tokens.js';
import type { Handler } from '../handler.js';

export const getProviderTokens: Handler<'getProviderTokens'> = async (deps, { auth, params }) => {
  return { status: 200, body: await readProviderTokens(deps, auth!.userId, params.provider) };
};

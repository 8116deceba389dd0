import { changePassword } from '../../flows/password.js';
import type { Handler } from '../handler.js';

export const changeUserPassword: Handler<'changeUserPassword'> = async (deps, { body, auth }) => {
  await changePassword(deps, { newPassword: body.newPassword, ticket: body.ticket, auth });
  return { status: 200, body: 'OK' };
};

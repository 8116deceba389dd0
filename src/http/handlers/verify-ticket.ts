import { verifyTicket as verifyTicketFlow } from '../../flows/verify-ticket.js';
import { errorRedirectUrl } from '../error-response.js';
import type { Handler } from '../handler.js';
import { withQueryParams } from '../redirect-url.js';

export const verifyTicket: Handler<'verifyTicket'> = async (deps, { query }) => {
  const result = await verifyTicketFlow(deps, { ticket: query.ticket, redirectTo: query.redirectTo, codeChallenge: query.codeChallenge });
  if (!result.ok) {
    deps.log.warn({ code: result.error }, 'verifyTicket refused');
    return { redirect: errorRedirectUrl(result.target, result.error, deps.config.server.concealErrors) };
  }
  return { redirect: withQueryParams(result.target, result.params) };
};

import type { FlowDeps } from '../../flows/deps.js';
import type { OAuthRedirect } from '../../flows/oauth-sign-in.js';
import { errorRedirectUrl } from '../error-response.js';
import { withQueryParams } from '../redirect-url.js';

/** An OAuth flow outcome as the 302 answer (with its cookies); errors get `error` + `errorDescription`. */
export function oauthRedirect(deps: FlowDeps, result: OAuthRedirect): { redirect: string; setCookies: string[] } {
  const redirect =
    result.error === null
      ? Object.keys(result.params).length === 0
        ? result.target
        : withQueryParams(result.target, result.params)
      : errorRedirectUrl(result.target, result.error, deps.config.server.concealErrors, result.params);
  return { redirect, setCookies: result.setCookies };
}

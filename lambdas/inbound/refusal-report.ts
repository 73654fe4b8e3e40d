import type { APIGatewayProxyEvent } from 'aws-lambda';
import { isAccountDeleted } from '../accounts/account-state.js';
import type { ApiKeyPrincipal } from '../gateway/ports.js';
import { refusalEvent } from '../security/refusal-event.js';
import { requestSource } from '../security/request-source.js';
import type { SecurityEventRecorder } from '../security/security-event.js';
import { apiKeyOf, apiKeyPrefix } from './api-key.js';

/**
 * An invalid key, a suspended or deleted account or a limit's refusal on an API-key route, as a security event with
 * its source (P7, P8). A deleted account's key is recorded as an unknown key would be: under its source, without the
 * account (P20: nothing of it is written again).
 */
export function reportRefusal(events: SecurityEventRecorder, err: unknown, caller: ApiKeyPrincipal | undefined, event: APIGatewayProxyEvent): void {
  const refusal = refusalEvent(err);
  if (!refusal) return;
  const known = isAccountDeleted(err) ? undefined : caller;
  const keyPrefix = known ? undefined : apiKeyPrefix(apiKeyOf(event.headers));
  events.record({
    ...refusal,
    ...(known ? { accountId: known.accountId, apiKeyId: known.apiKeyId } : {}),
    ...(keyPrefix ? { keyPrefix } : {}),
    ...(event.resource ? { route: event.resource } : {}),
    ...requestSource(event),
  });
}

import { createCognitoAuthEvents } from '../auth/cognito-auth-events.js';
import { managementContext } from '../http/management-context.js';
import { managementHandler, route } from '../http/management-handler.js';
import { createSecurityEventsService, securityEventsQuerySchema, type SecurityEventsService } from '../security/security-events-service.js';
import { createSecurityEventReader } from '../store/activity-security-events.js';

let service: SecurityEventsService | undefined;
function securityEvents(): SecurityEventsService {
  const { config, db } = managementContext();
  return (service ??= createSecurityEventsService({
    reader: createSecurityEventReader(db, config.tables.activity),
    authEvents: createCognitoAuthEvents(config),
  }));
}

/** GET /v1/security-events: the caller's own account's security events and their sign-in events from the user pool, newest first (P8). */
export const handler = managementHandler({
  routes: {
    GET: route({
      query: securityEventsQuerySchema,
      handle: async ({ accountId, query, username }) => ({ status: 200, body: await securityEvents().list(accountId, query, username) }),
    }),
  },
});

import type { APIGatewayProxyEvent } from 'aws-lambda';
import { managementContext } from '../http/management-context.js';
import { createMonthlyUsageReader } from '../store/limits-items.js';
import { createAdminService, type AdminActor, type AdminService } from './admin-service.js';

let service: AdminService | undefined;

/** The admin service of this container, wired to the management context's clients. */
export function adminService(): AdminService {
  const { config, db, accounts, directory, securityEvents } = managementContext();
  return (service ??= createAdminService({
    accounts,
    directory,
    usage: createMonthlyUsageReader(db, config.tables.limits),
    catalog: config.plans,
    securityEvents,
  }));
}

/** The admin behind a request, as their actions' security events record them. */
export function adminActor(accountId: string, event: APIGatewayProxyEvent): AdminActor {
  return { accountId, route: event.resource };
}

import type { GatewayParts } from '../../lambdas/gateway/container.js';
import type { EventJobName } from '../../lambdas/handlers/event-jobs.js';
import type { JobName } from '../../lambdas/handlers/jobs.js';
import type { ObjectEventHandlerName } from '../../lambdas/handlers/object-events.js';
import type { HandlerName } from '../../lambdas/handlers/routes.js';
import type { TriggerName } from '../../lambdas/handlers/triggers.js';

/** A handler module: its `handler`, and for the router's handlers the hook that hands them parts of their wiring. */
export interface HandlerModule {
  readonly handler: unknown;
  readonly composeGateway?: (parts: GatewayParts) => void;
}

export type HandlerModules = Readonly<Record<HandlerName, () => Promise<HandlerModule>>>;

/**
 * How to import each handler module, lazily (the runtime sets the environment first). Static specifiers, so
 * tsx, jest's module mapper and esbuild all resolve them; `satisfies` makes a new handler a type error until
 * it is listed here.
 */
export const HANDLER_MODULES = {
  'chat-completions': () => import('../../lambdas/handlers/chat-completions.js'),
  messages: () => import('../../lambdas/handlers/messages.js'),
  responses: () => import('../../lambdas/handlers/responses.js'),
  embeddings: () => import('../../lambdas/handlers/embeddings.js'),
  models: () => import('../../lambdas/handlers/models.js'),
  'auth-config': () => import('../../lambdas/handlers/auth-config.js'),
  'provider-keys': () => import('../../lambdas/handlers/provider-keys.js'),
  'api-keys': () => import('../../lambdas/handlers/api-keys.js'),
  configs: () => import('../../lambdas/handlers/configs.js'),
  roles: () => import('../../lambdas/handlers/roles.js'),
  'security-events': () => import('../../lambdas/handlers/security-events.js'),
  usage: () => import('../../lambdas/handlers/usage.js'),
  requests: () => import('../../lambdas/handlers/requests.js'),
  'provider-metrics': () => import('../../lambdas/handlers/provider-metrics.js'),
  'admin-invitations': () => import('../../lambdas/handlers/admin-invitations.js'),
  'admin-accounts': () => import('../../lambdas/handlers/admin-accounts.js'),
  'admin-product-updates': () => import('../../lambdas/handlers/admin-product-updates.js'),
  'sign-out': () => import('../../lambdas/handlers/sign-out.js'),
  'me-plan': () => import('../../lambdas/handlers/me-plan.js'),
  me: () => import('../../lambdas/handlers/me.js'),
  'me-consent': () => import('../../lambdas/handlers/me-consent.js'),
  'me-avatar': () => import('../../lambdas/handlers/me-avatar.js'),
  'me-email': () => import('../../lambdas/handlers/me-email.js'),
  'me-export': () => import('../../lambdas/handlers/me-export.js'),
  'me-deletion': () => import('../../lambdas/handlers/me-deletion.js'),
  'deletion-status': () => import('../../lambdas/handlers/deletion-status.js'),
  'github-oidc': () => import('../../lambdas/handlers/github-oidc.js'),
  billing: () => import('../../lambdas/handlers/billing.js'),
  'billing-webhook': () => import('../../lambdas/handlers/billing-webhook.js'),
} as const satisfies HandlerModules;

/** The Cognito triggers' handler modules, served to cognito-local through the local Lambda Invoke API. */
export const TRIGGER_MODULES = {
  'pre-sign-up': () => import('../../lambdas/handlers/pre-sign-up.js'),
} as const satisfies Record<TriggerName, () => Promise<{ handler: unknown }>>;

/** Scheduled jobs (EventBridge Scheduler in AWS): run locally by timers and by `npm run job <name>`. */
export const SCHEDULED_JOB_MODULES = {
  'billing-sync': () => import('../../lambdas/handlers/billing-sync.js'),
  'policy-notices': () => import('../../lambdas/handlers/policy-notices.js'),
} as const;

export type ScheduledJobName = keyof typeof SCHEDULED_JOB_MODULES;

/** The S3 event handlers, fed the local S3 server's events (lib/local/s3-local.ts). */
export const OBJECT_EVENT_MODULES = {
  'avatar-upload': () => import('../../lambdas/handlers/avatar-upload.js'),
} as const satisfies Record<ObjectEventHandlerName, () => Promise<{ handler: unknown }>>;

/** The jobs' handler modules, fed by the local stand-ins of their event sources (lib/local/stream-reader.ts). */
export const JOB_MODULES = {
  'usage-aggregator': () => import('../../lambdas/handlers/usage-aggregator.js'),
} as const satisfies Record<JobName, () => Promise<{ handler: unknown }>>;

/** The jobs RouKey's own events start, called by the local bus (lib/local/event-bus.ts) as EventBridge rules call them. */
export const EVENT_JOB_MODULES = {
  'data-export': () => import('../../lambdas/handlers/data-export.js'),
  'account-deletion': () => import('../../lambdas/handlers/account-deletion.js'),
  'product-update': () => import('../../lambdas/handlers/product-update.js'),
} as const satisfies Record<EventJobName, () => Promise<{ handler: unknown }>>;

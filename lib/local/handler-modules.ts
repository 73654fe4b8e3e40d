import type { GatewayParts } from '../../lambdas/gateway/container.js';
import type { HandlerName } from '../../lambdas/handlers/routes.js';

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
  models: () => import('../../lambdas/handlers/models.js'),
  'auth-config': () => import('../../lambdas/handlers/auth-config.js'),
  'provider-keys': () => import('../../lambdas/handlers/provider-keys.js'),
  'api-keys': () => import('../../lambdas/handlers/api-keys.js'),
  configs: () => import('../../lambdas/handlers/configs.js'),
  roles: () => import('../../lambdas/handlers/roles.js'),
} as const satisfies HandlerModules;

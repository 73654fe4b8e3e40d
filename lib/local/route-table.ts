import type { Route } from '../../lambdas/handlers/routes.js';

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly pathParameters: Readonly<Record<string, string>> | null }
  | { readonly kind: 'method_not_allowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'not_found' };

interface TemplatedPath {
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly byMethod: Map<string, Route>;
}

const NOT_FOUND: RouteMatch = { kind: 'not_found' };

/** Compiles API Gateway path templates (`/v1/api-keys/{id}`) once, so a request costs a map lookup or a few regex tests. */
export function compileRoutes(routes: readonly Route[]): (method: string, path: string) => RouteMatch {
  const exact = new Map<string, Map<string, Route>>();
  const templated = new Map<string, TemplatedPath>();
  for (const route of routes) {
    // `{id+}` is API Gateway's greedy parameter: the rest of the path, slashes included.
    const names = [...route.path.matchAll(/\{([^}/]+)\}/g)].map((m) => (m[1] as string).replace(/\+$/, ''));
    if (names.length === 0) {
      const byMethod = exact.get(route.path) ?? new Map<string, Route>();
      byMethod.set(route.method, route);
      exact.set(route.path, byMethod);
      continue;
    }
    const entry = templated.get(route.path) ?? {
      pattern: new RegExp(
        `^${route.path
          .split(/(\{[^}/]+\})/)
          .map((part) => (part.startsWith('{') ? (part.endsWith('+}') ? '(.+)' : '([^/]+)') : escapeRegExp(part)))
          .join('')}$`,
      ),
      names,
      byMethod: new Map<string, Route>(),
    };
    entry.byMethod.set(route.method, route);
    templated.set(route.path, entry);
  }
  const templates = [...templated.values()];

  return (method, path) => {
    const byMethod = exact.get(path);
    if (byMethod) return found(byMethod, method, null);
    for (const t of templates) {
      const m = t.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      t.names.forEach((name, i) => (params[name] = safeDecode(m[i + 1] as string)));
      return found(t.byMethod, method, params);
    }
    return NOT_FOUND;
  };
}

function found(byMethod: Map<string, Route>, method: string, pathParameters: Record<string, string> | null): RouteMatch {
  const route = byMethod.get(method);
  return route ? { kind: 'found', route, pathParameters } : { kind: 'method_not_allowed', allowed: [...byMethod.keys()] };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

import type { Rule } from './config-schema.js';
import type { RoutingRequest } from './decision.js';

/** The first rule whose every condition holds for the request, with its 0-based index; undefined when none does. */
export function matchRule(rules: readonly Rule[], request: RoutingRequest): { rule: Rule; index: number } | undefined {
  const index = rules.findIndex((rule) => ruleHolds(rule.when, request));
  const rule = rules[index];
  return rule === undefined ? undefined : { rule, index };
}

function ruleHolds(when: Rule['when'], request: RoutingRequest): boolean {
  if (when.model !== undefined && !listOf(when.model).some((pattern) => modelMatches(pattern, request.model))) return false;
  if (when.tools !== undefined && when.tools !== request.needs.tools) return false;
  if (when.minPromptTokens !== undefined && request.promptTokens < when.minPromptTokens) return false;
  if (when.maxPromptTokens !== undefined && request.promptTokens > when.maxPromptTokens) return false;
  if (when.metadata !== undefined) {
    for (const [name, values] of Object.entries(when.metadata)) {
      const value = Object.hasOwn(request.metadata, name) ? request.metadata[name] : undefined;
      if (value === undefined || !listOf(values).includes(value)) return false;
    }
  }
  return true;
}

/** Exactly, or by prefix when the pattern ends in `*` (`gpt-4*`). */
function modelMatches(pattern: string, model: string): boolean {
  return pattern.endsWith('*') ? model.startsWith(pattern.slice(0, -1)) : model === pattern;
}

function listOf(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : value;
}

import { BUILTIN_ROLE_NAMES, type BuiltinRoleName, type RoleDefinition } from '../config-schema.js';

/**
 * The roles every account has, by these names (an account may override any of them with its own definition).
 * The local classifier learns each role from its description, examples and keywords.
 */
export const BUILTIN_ROLES: readonly RoleDefinition[] = [
  { name: 'coding', description: 'Writing, reviewing, explaining or debugging source code and software.', examples: [], keywords: [] },
  { name: 'writing', description: 'Creative and professional writing: stories, emails, posts, copy, editing prose.', examples: [], keywords: [] },
  { name: 'reasoning', description: 'Logic puzzles, analysis, planning, decisions and multi-step reasoning.', examples: [], keywords: [] },
  { name: 'math', description: 'Arithmetic, algebra, calculus, statistics, proofs and word problems.', examples: [], keywords: [] },
  { name: 'translation', description: 'Translating text between languages.', examples: [], keywords: [] },
  { name: 'summarization', description: 'Summarising or condensing a given text.', examples: [], keywords: [] },
  { name: 'extraction', description: 'Pulling structured data (fields, entities, JSON) out of given text.', examples: [], keywords: [] },
  { name: 'chat', description: 'Casual conversation, greetings, general questions and small talk.', examples: [], keywords: [] },
] satisfies readonly (RoleDefinition & { name: BuiltinRoleName })[];

export function isBuiltinRole(name: string): name is BuiltinRoleName {
  return (BUILTIN_ROLE_NAMES as readonly string[]).includes(name);
}

import { TtlCache } from '../../cache/ttl-cache.js';
import type { RoleDefinition } from '../config-schema.js';
import type { RoleSet } from '../decision.js';
import { addTurnFeatures, addWordFeatures } from './text-features.js';

/**
 * A multinomial naive Bayes model of a set of roles, learned from each role's name, description, examples and
 * keywords (nothing else: a custom role is learned exactly as a built-in one). Each example counts its distinct
 * features once, so one long example cannot outweigh the rest; keywords count several times over, as the
 * words an account chose to define its role by.
 */
export interface RoleModel {
  readonly roleNames: readonly string[];
  /** Per feature, log P(feature | role) for each role, in `roleNames` order. Features no role has are absent. */
  readonly logLikelihood: ReadonlyMap<string, Float64Array>;
}

const WEIGHT = { name: 3, keyword: 3, description: 2, example: 1 } as const;
/** Additive smoothing: how much a role is assumed to have of a feature it was never shown. */
const SMOOTHING = 0.1;

/**
 * Learning a model reads every example of every role, far more work than classifying a request, so a model is
 * learned once per role set (its key names exactly those roles) and kept a while: the routing store gives an
 * account's roles a new key each time it reloads them, so an edited role is learned afresh. Bounded, as a
 * container may serve many accounts.
 */
const models = new TtlCache<string, RoleModel>({ maxEntries: 256 });
const MODEL_LIFETIME_MS = 5 * 60_000;

/** The model of a role set, learned on first use. */
export function roleModel(set: RoleSet): RoleModel {
  let model = models.get(set.key);
  if (!model) {
    model = learn(set.roles);
    models.set(set.key, model, MODEL_LIFETIME_MS);
  }
  return model;
}

function learn(roles: readonly RoleDefinition[]): RoleModel {
  const counts = roles.map(roleCounts);
  const vocabulary = new Set(counts.flatMap((c) => [...c.keys()]));
  const logLikelihood = new Map<string, Float64Array>();
  for (const feature of vocabulary) logLikelihood.set(feature, new Float64Array(roles.length));
  const totals = counts.map((count) => [...count.values()].reduce((a, b) => a + b, 0));
  const mass = totals.reduce((a, b) => a + b, 0) / roles.length;
  counts.forEach((count, r) => {
    // Every role's counts are scaled to the same mass, so a role described at length is not diluted by it.
    const scale = mass / Math.max(totals[r] ?? 0, 1);
    const denominator = Math.log(mass + SMOOTHING * vocabulary.size);
    for (const [feature, likelihoods] of logLikelihood) likelihoods[r] = Math.log((count.get(feature) ?? 0) * scale + SMOOTHING) - denominator;
  });
  return { roleNames: roles.map((role) => role.name), logLikelihood };
}

function roleCounts(role: RoleDefinition): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (weight: number, addTo: (features: Map<string, number>) => unknown) => {
    const features = new Map<string, number>();
    addTo(features);
    for (const [feature, w] of features) counts.set(feature, (counts.get(feature) ?? 0) + weight * w);
  };
  // Structural cues are learned from examples only: a keyword is always short and a description is prose.
  add(WEIGHT.name, (f) => addWordFeatures(role.name.replaceAll('-', ' '), 1, f));
  add(WEIGHT.description, (f) => addWordFeatures(role.description, 1, f));
  for (const keyword of role.keywords) add(WEIGHT.keyword, (f) => keywordFeatures(keyword, f));
  for (const example of role.examples) add(WEIGHT.example, (f) => addTurnFeatures(example, f));
  return counts;
}

/** A phrase keyword ("key points") stands for its word pairs; its single words weigh only what an example's do. */
function keywordFeatures(keyword: string, into: Map<string, number>): void {
  const words = addWordFeatures(keyword, 1, into);
  if (words > 1) for (const feature of into.keys()) if (!feature.includes(' ')) into.set(feature, WEIGHT.example / WEIGHT.keyword);
}

import type { Classification, RoleSet, RoutingRequest } from '../decision.js';
import { headAndTail, promptText } from './prompt-text.js';
import { roleModel, type RoleModel } from './role-model.js';
import { addTurnFeatures, addWordFeatures } from './text-features.js';

/**
 * The built-in classifier: no network call, in memory, cheap enough for every request. It scores the last user turn
 * and the system prompt against each role's model (role-model.ts) and answers the most likely role with the
 * model's posterior probability for it as the confidence.
 */

/** Below this confidence a `role` config without its own `classifier.minConfidence` uses its default role. */
export const DEFAULT_MIN_CONFIDENCE = 0.4;

/** Whether a classification is too unsure to act on (the config's default role applies then). */
export function belowThreshold(confidence: number, minConfidence = DEFAULT_MIN_CONFIDENCE): boolean {
  return confidence < minConfidence;
}

/**
 * A 4,000-token turn is about 16 KB: only its first and last 2 KB are read (and of its pasted material, only the
 * start: text-features.ts), which keeps classification inside its 1 ms budget whatever the length. The
 * instruction is at one end; the middle is pasted material.
 */
const MAX_TURN_CHARS = 4_096;
const MAX_SYSTEM_CHARS = 2_048;
/** A system prompt describes the application more than this request, so its words count for less. */
const SYSTEM_WEIGHT = 0.5;
/**
 * Naive Bayes treats every word as independent evidence, which makes its raw posterior overconfident on long
 * texts; dividing the log-likelihoods by this temperature calibrates it against the labelled set.
 */
const TEMPERATURE = 3;

export function classifyLocal(request: RoutingRequest, roles: RoleSet): Classification {
  const model = roleModel(roles);
  const scores = roleScores(request, model);
  const role = model.roleNames[argMax(scores)];
  if (role === undefined) throw new Error('classifyLocal needs at least one role');
  return { role, confidence: posteriorOfBest(scores), method: 'local' };
}

/** Each role's log-likelihood of the request's features, in the model's role order. */
function roleScores(request: RoutingRequest, model: RoleModel): Float64Array {
  const { lastUser, system } = promptText(request.body);
  const features = new Map<string, number>();
  addTurnFeatures(headAndTail(lastUser, MAX_TURN_CHARS), features);
  if (system) addWordFeatures(headAndTail(system, MAX_SYSTEM_CHARS), SYSTEM_WEIGHT, features);

  const scores = new Float64Array(model.roleNames.length);
  for (const [feature, weight] of features) {
    const logLikelihood = model.logLikelihood.get(feature);
    if (!logLikelihood) continue;
    for (let r = 0; r < scores.length; r++) scores[r] = (scores[r] ?? 0) + weight * (logLikelihood[r] ?? 0);
  }
  return scores;
}

function argMax(values: Float64Array): number {
  let best = 0;
  let max = -Infinity;
  values.forEach((value, i) => {
    if (value > max) {
      max = value;
      best = i;
    }
  });
  return best;
}

/** The softmax of the tempered scores at their maximum: 1/roles when nothing was recognised. */
function posteriorOfBest(scores: Float64Array): number {
  const max = scores[argMax(scores)] ?? 0;
  let sum = 0;
  for (const score of scores) sum += Math.exp((score - max) / TEMPERATURE);
  return 1 / sum;
}

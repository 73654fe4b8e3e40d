import type { RoutingRequest } from '../decision.js';
import { headAndTail, promptText } from './prompt-text.js';
import { hasMathNotation } from './structural-cues.js';

/**
 * The `complexity` strategy's score: 1 (a greeting, a fact) to 5 (a many-part design, derivation or build), from
 * the shape of the last user turn and the conversation, never from a model call. Simple prompts go to small models.
 */

/** What the scorer reads of a request; the text itself is read in memory and dropped (P1). */
interface ComplexityFeatures {
  /** Words in the last user turn. */
  readonly words: number;
  /** Separate asks: question marks, list items and clause separators. */
  readonly parts: number;
  /** Words that ask for depth: prove, design, architecture, trade-offs, step by step... (distinct). */
  readonly demanding: number;
  readonly math: boolean;
  /** Tools offered, or a long conversation: an agent at work. */
  readonly agentic: boolean;
}

/** The scan reads at most this much of a turn; beyond it the length alone says the prompt is long. */
const MAX_SCAN_CHARS = 8_192;

const DEMANDING = new RegExp(
  '\\b(?:prove|proof|derive|derivation|design|architect\\w*|trade-?offs?|scal(?:e|able|ability|ing)|distributed|optimi[sz]\\w*|' +
    'step[- ]by[- ]step|compare|comparison|analy[sz]\\w*|evaluate|justify|implement\\w*|production|migrat\\w*|strateg\\w*|' +
    'plan|research|rigorous|comprehensive|detailed|complete|end-to-end|full|refactor|debug|concurren\\w*|consisten\\w*|' +
    'assumptions|risks?|constraints?|edge cases|tests?|benchmark|security|complian\\w*|model)\\b',
  'gi',
);
const LIST_ITEM = /^\s*(?:[-*•]|\d+[.)])\s+/gm;
const CLAUSE_SEPARATOR = /[,;]|\band then\b|\bthen\b|\bplus\b|\balso\b/gi;

/**
 * Least-squares weights on the labelled set (test/fixtures/complexity), rounded. Length carries most of the signal;
 * code earned no weight of its own beyond the length it adds, so it has none.
 */
const WEIGHTS = { base: -0.3, length: 0.7, parts: 0.03, demanding: 0.2, math: 0.15, agentic: 0.5 } as const;

/** Conversations longer than this many messages are treated as multi-step work. */
const LONG_CONVERSATION = 8;

function complexityFeatures(request: RoutingRequest): ComplexityFeatures {
  const { lastUser, messageCount } = promptText(request.body);
  const text = headAndTail(lastUser, MAX_SCAN_CHARS);
  const scanned = wordCount(text);
  const words = text.length === lastUser.length ? scanned : Math.round((scanned * lastUser.length) / text.length);
  const demanding = new Set((text.match(DEMANDING) ?? []).map((w) => w.toLowerCase().slice(0, 6)));
  return {
    words,
    parts: count(/\?/g, text) + count(LIST_ITEM, text) + count(CLAUSE_SEPARATOR, text),
    demanding: demanding.size,
    math: hasMathNotation(text),
    agentic: request.needs.tools || messageCount > LONG_CONVERSATION,
  };
}

/** 1-5; each feature is capped, so one runaway signal (a pasted list, say) cannot decide the band alone. */
export function scoreComplexity(request: RoutingRequest): number {
  const f = complexityFeatures(request);
  const points =
    WEIGHTS.base +
    WEIGHTS.length * Math.log2(1 + f.words) +
    WEIGHTS.parts * Math.min(f.parts, 15) +
    WEIGHTS.demanding * Math.min(f.demanding, 6) +
    (f.math ? WEIGHTS.math : 0) +
    (f.agentic ? WEIGHTS.agentic : 0);
  return Math.min(5, Math.max(1, Math.round(points)));
}

function wordCount(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = text.charCodeAt(i) <= 32;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

function count(pattern: RegExp, text: string): number {
  return text.match(pattern)?.length ?? 0;
}

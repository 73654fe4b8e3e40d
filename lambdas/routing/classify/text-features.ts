import { structuralCues } from './structural-cues.js';
import { splitTurn } from './turn-parts.js';

/**
 * A text's features for the local classifier: stemmed words (function words dropped), adjacent word pairs
 * (so "sum up" or "how do you say" mean more than their words), character pairs of Chinese and Japanese runs
 * (which have no spaces), and structural cues (structural-cues.ts).
 */

/** What a turn's material counts for, against its instruction (turn-parts.ts). */
const MATERIAL_WEIGHT = 0.2;
/** However long, material weighs in total no more than this many instruction words: it is topic, not task. */
const MATERIAL_BUDGET = 2;
/** Material words count for little, and its first kilobyte says as much about the task as all of it. */
const MATERIAL_CHARS = 1_024;

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
const SPACELESS_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const DIGITS = /^\d+$/;
/** Below this code point no character is Chinese or Japanese: a cheap test before the script regex. */
const FIRST_CJK = 0x2e80;

const STOPWORDS = new Set(
  (
    'a an the and or but nor of to in on at for with by from as is are was were be been being am it its this that these those i me my ' +
    'mine we our ours us he him his she her they them their there here do does did so if than then too very just please can could ' +
    'would will shall may might must have has had having not no yes also some such own same other again once only both each few ' +
    'let get got im ive dont thats'
  ).split(' '),
);

/** Words are cut to this many characters after their suffix is stripped: a cheap stemmer that also folds other languages' inflections. */
const STEM_LENGTH = 6;

/** A word reduced to a stem shared with its inflections (summarise, summaries, summarizing → summar). */
function stem(word: string): string {
  let w = word;
  if (w.includes("'") || w.includes('’')) w = w.replace(/['’]s$/, '').replace(/['’]/g, '');
  if (w.length > 3 && isPlainAscii(w)) w = stripSuffix(w);
  return w.length > STEM_LENGTH ? w.slice(0, STEM_LENGTH) : w;
}

/** Suffixes stripped after a plural's, by last letter, longest first; the stem left keeps at least three letters. */
const SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  n: ['ization', 'isation', 'ation', 'ion'],
  g: ['ing'],
  r: ['er'],
  d: ['ed'],
  y: ['ly'],
  t: ['ment'],
  e: ['e'],
};

function stripSuffix(word: string): string {
  let w = word;
  if (w.endsWith('s')) {
    if (w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
    else if (/(?:ss|x|z|ch|sh)es$/.test(w)) w = w.slice(0, -2);
    else if (!w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);
  }
  const suffix = SUFFIXES[w.charAt(w.length - 1)]?.find((s) => w.endsWith(s));
  if (suffix && w.length - suffix.length >= 3) {
    w = w.slice(0, -suffix.length);
    // running → run, debugged → debug
    const last = w.charCodeAt(w.length - 1);
    if (last === w.charCodeAt(w.length - 2) && !VOWEL_OR_LSZ.has(w.charAt(w.length - 1))) w = w.slice(0, -1);
  }
  return w;
}

const VOWEL_OR_LSZ = new Set(['a', 'e', 'i', 'o', 'u', 'l', 's', 'z']);

function isPlainAscii(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c < 97 || c > 122) return false;
  }
  return true;
}

/** The stemmed content words of `text`, in order; Chinese and Japanese runs become their character pairs. */
function contentWords(text: string): string[] {
  const words: string[] = [];
  for (const raw of text.toLowerCase().match(WORD) ?? []) {
    if (raw.charCodeAt(0) >= FIRST_CJK && SPACELESS_SCRIPT.test(raw)) {
      for (let i = 0; i + 1 < raw.length; i++) words.push(raw.slice(i, i + 2));
      continue;
    }
    if (DIGITS.test(raw) || STOPWORDS.has(raw)) continue;
    const stemmed = stem(raw);
    if (!STOPWORDS.has(stemmed)) words.push(stemmed);
  }
  return words;
}

/**
 * Adds `text`'s word features to `into` at `weight`, keeping a feature's highest weight: presence matters,
 * repetition does not. Word pairs are added unless `pairs` is false. Returns the number of content words.
 */
export function addWordFeatures(text: string, weight: number, into: Map<string, number>, pairs = true): number {
  return addWords(contentWords(text), weight, into, pairs);
}

function addWords(words: readonly string[], weight: number, into: Map<string, number>, pairs: boolean): number {
  let previous: string | undefined;
  for (const word of words) {
    put(into, word, weight);
    if (pairs && previous !== undefined) put(into, `${previous} ${word}`, weight);
    previous = word;
  }
  return words.length;
}

/**
 * Adds a user turn's features to `into`: its instruction's words and word pairs fully, its material's words (not
 * pairs: they are topic, not task) at a fraction, and the cues of the whole turn. The classifier reads requests and
 * learns from role examples through this one function.
 */
export function addTurnFeatures(text: string, into: Map<string, number>): void {
  const { instruction, material } = splitTurn(text);
  const materialWords = contentWords(material.slice(0, MATERIAL_CHARS));
  const materialWeight = Math.min(MATERIAL_WEIGHT, MATERIAL_BUDGET / materialWords.length);
  const words = addWordFeatures(instruction, 1, into) + addWords(materialWords, materialWeight, into, false);
  for (const cue of structuralCues(text, words)) put(into, cue, 1);
}

function put(into: Map<string, number>, feature: string, weight: number): void {
  if ((into.get(feature) ?? 0) < weight) into.set(feature, weight);
}

/**
 * Structural cues: features of a text's shape rather than its words (a code block, math notation, a foreign
 * script, a language named as a target, pasted material). They are not tied to any role: the classifier learns
 * which role a cue belongs to from the roles' examples and keywords, as it does for words, so a custom role whose
 * examples contain SQL, say, attracts prompts with code in them too.
 */

/** Cue features are named `#<cue>`; `#` cannot occur in a word feature. */
const CUE_MARK = '#';

/** Languages a text may be asked to be translated into or from (the `target-language` cue). */
const LANGUAGES = [
  'english',
  'spanish',
  'french',
  'german',
  'italian',
  'portuguese',
  'dutch',
  'swedish',
  'norwegian',
  'danish',
  'finnish',
  'icelandic',
  'polish',
  'czech',
  'slovak',
  'hungarian',
  'romanian',
  'bulgarian',
  'greek',
  'turkish',
  'russian',
  'ukrainian',
  'serbian',
  'croatian',
  'arabic',
  'hebrew',
  'persian',
  'farsi',
  'urdu',
  'hindi',
  'bengali',
  'tamil',
  'punjabi',
  'chinese',
  'mandarin',
  'cantonese',
  'japanese',
  'korean',
  'vietnamese',
  'thai',
  'indonesian',
  'malay',
  'tagalog',
  'filipino',
  'swahili',
  'latin',
  'catalan',
  'basque',
  'welsh',
  'irish',
];
const LANGUAGE = `(?:${LANGUAGES.join('|')})`;
const TARGET_LANGUAGE = new RegExp(`\\b(?:into|to|in|from)\\s+(?:[a-z]+\\s+)?${LANGUAGE}\\b|\\b${LANGUAGE}\\s*(?:→|->|to)\\s*${LANGUAGE}\\b`, 'i');

/** Tokens that are rare in prose and common in code. */
const CODE_SYNTAX =
  /[{};]\s*$|=>|->|::|[=!]==?|&&|\|\||\(\)|<\/|\b(?:def|fn|func|const|let|var|return|import|class|public|void|select|from|where)\b\s*[\w({*]/gim;
/** camelCase, snake_case or a dotted call: identifiers, not words. */
const IDENTIFIER = /[a-z][A-Z]|[a-z]_[a-z]|\w\.\w+\(/;
/** A digit, an operator, an operand; a minus only when spaced, so dates and ranges (2024-05-01, 10-12) do not count. */
const ARITHMETIC = /\d\s*[+*/×÷^=<>≤≥]\s*[\d(a-z]|\d\s+[-−]\s+\d|\d\s*%/i;
/** Powers, math symbols, functions applied to an argument, a coefficient on a variable (3x). */
const MATH_NOTATION = /\^|[²³√∫∑∏π∞≠±∂λθ]|\b(?:sin|cos|tan|log|ln|lim|exp)\s*[(\d]|\b\d+[a-z]\b(?![a-z])|\b[a-z]\s*[=<>]\s*[\d-]/i;
const NON_LATIN_SCRIPT =
  /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Devanagari}\p{Script=Thai}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
/** Several letters with diacritics suggest a foreign Latin-script language rather than one borrowed word (café). */
const ACCENTED_LETTER = /[à-öø-ÿąćęłńśźżčďěňřšťůžğış]/gi;
/** Contact details, links, money and dates: what material to pull fields out of is full of. */
const DATA_ITEM = /@[\w-]+\.[a-z]|https?:\/\/\S+|[$€£¥]\s?\d|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\+?\(?\d{2,4}\)?[\s-]\d{3}[\s-]\d{3,4}\b/g;

/** A turn this long carries pasted material: something to summarise, extract from or translate. */
const PASTED_WORDS = 60;
/** A turn this short is small talk or a quick question. */
const SHORT_WORDS = 4;

/** The cues present in `text`, each once; `wordCount` is the text's number of words. */
export function structuralCues(text: string, wordCount: number): string[] {
  const cues: string[] = [];
  const cue = (name: string, present: boolean) => {
    if (present) cues.push(CUE_MARK + name);
  };
  cue('code-block', text.includes('```'));
  cue('code-syntax', hasCodeSyntax(text));
  cue('identifier', IDENTIFIER.test(text));
  cue('arithmetic', ARITHMETIC.test(text));
  cue('math-notation', hasMathNotation(text));
  cue('non-latin-script', NON_LATIN_SCRIPT.test(text));
  cue('accented-letters', atLeast(ACCENTED_LETTER, text, 3));
  cue('target-language', TARGET_LANGUAGE.test(text));
  cue('data-items', atLeast(DATA_ITEM, text, 2));
  cue('pasted-text', wordCount >= PASTED_WORDS);
  cue('short', wordCount <= SHORT_WORDS);
  cue('question', /\?\s*$/.test(text));
  return cues;
}

/** Code syntax: two or more tokens that are rare in prose. */
export function hasCodeSyntax(text: string): boolean {
  return atLeast(CODE_SYNTAX, text, 2);
}

export function hasMathNotation(text: string): boolean {
  return MATH_NOTATION.test(text);
}

function atLeast(pattern: RegExp, text: string, count: number): boolean {
  pattern.lastIndex = 0;
  let found = 0;
  while (pattern.exec(text) !== null) if (++found >= count) break;
  pattern.lastIndex = 0;
  return found >= count;
}

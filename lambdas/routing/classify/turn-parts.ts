/**
 * A user turn as its instruction and the material it is about. A request names its task in its first line (and
 * sometimes asks again in a short last line, after pasted code); what it quotes, pastes below a colon or fences as
 * code is material: the words of a document to summarise or a sentence to translate say little about the task.
 */
export interface TurnParts {
  readonly instruction: string;
  readonly material: string;
}

/** A quoted passage, a code block. Short quotes stay in the instruction: they are usually a term, not material. */
const QUOTED = /"[^"\n]{12,}"|“[^”]{12,}”|«[^»]{12,}»|„[^“”"]{12,}[“”"]|「[^」]{4,}」|```[\s\S]*?(?:```|$)/g;
/** A last line this short is a question about the material above it rather than more of it. */
const CLOSING_LINE_WORDS = 25;

/** A first line longer than this is a pasted block with the request at its start: the rest is material. */
const INSTRUCTION_CHARS = 1_024;

export function splitTurn(text: string): TurnParts {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const first = lines[0] ?? '';
  let instruction = first.slice(0, INSTRUCTION_CHARS);
  let material = first.slice(INSTRUCTION_CHARS);
  if (lines.length > 1) {
    const last = lines.at(-1) ?? '';
    const closing = !first.trimEnd().endsWith(':') && last.split(/\s+/).length <= CLOSING_LINE_WORDS;
    material += `\n${lines.slice(1, closing ? -1 : undefined).join('\n')}`;
    if (closing) instruction += `\n${last}`;
  }
  const quoted: string[] = [];
  instruction = instruction.replace(QUOTED, (passage) => {
    quoted.push(passage);
    return ' ';
  });
  return { instruction, material: quoted.length === 0 ? material : `${quoted.join('\n')}\n${material}` };
}

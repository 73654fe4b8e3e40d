/** `text` as UTF-8 bytes cut at the given offsets (out-of-range cuts ignored), to test decoders across chunk borders. */
export function bytePieces(text: string, cuts: number[] = []): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const bounds = [0, ...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length];
  const pieces: Uint8Array[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) pieces.push(bytes.slice(bounds[i], bounds[i + 1]));
  return pieces;
}

/** A ReadableStream (what fetch hands over) that yields `text` as bytes cut at the given offsets. */
export function bytesSplitAt(text: string, cuts: number[] = []): ReadableStream<Uint8Array> {
  const pieces = bytePieces(text, cuts);
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(piece);
      controller.close();
    },
  });
}

/** An AsyncIterable (what the adapters' stream readers take) that yields `text` as bytes cut at the given offsets. */
export function asyncBytesSplitAt(text: string, cuts: number[] = []): AsyncIterable<Uint8Array> {
  const pieces = bytePieces(text, cuts);
  return (async function* () {
    yield* pieces;
  })();
}

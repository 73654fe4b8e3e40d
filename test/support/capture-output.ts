/**
 * Captures everything the process writes to stdout/stderr and through `console`, so privacy tests can prove a
 * secret or a canary never reaches a log line. Output still reaches the terminal.
 */
export interface OutputCapture {
  text(): string;
  restore(): void;
}

export function captureOutput(): OutputCapture {
  const lines: string[] = [];
  const restores: (() => void)[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restores.push(() => (stream.write = original));
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      original(...args);
    };
    restores.push(() => (console[method] = original));
  }
  return { text: () => lines.join('\n'), restore: () => restores.forEach((r) => r()) };
}

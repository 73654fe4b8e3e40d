import { Agent, request } from 'node:http';

/** One HTTP target of the load generator: the same body sent to RouKey and, for comparison, to the fake directly. */
export interface Target {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface LoadResult {
  /** Per-request latency (ms) to the full response, or to the first body byte with `firstByte`. */
  readonly latencies: number[];
  readonly seconds: number;
  readonly errors: number;
}

/** The bench's chat request, the same typical prompt to every target (an upstream directly or a gateway). */
export function chatTarget(url: string, authorization: string, model: string, options: { stream?: boolean; headers?: Record<string, string> } = {}): Target {
  return {
    url,
    headers: { 'content-type': 'application/json', authorization, ...options.headers },
    body: JSON.stringify({
      model,
      stream: options.stream ?? false,
      messages: [{ role: 'user', content: 'Benchmark prompt of a typical size, a sentence or two long.' }],
    }),
  };
}

/** The runs every comparison makes: an unmeasured warm-up, then paired rounds at concurrency 1 and 32. */
export const WARM_UP: LoadOptions = { concurrency: 8, total: 3_000, warmup: 0 };
export const PAIRED_C1 = { concurrency: 1, total: 300, rounds: 7 } as const;
export const PAIRED_C32 = { concurrency: 32, total: 2_000, rounds: 5 } as const;
/** Unmeasured requests before each round of a paired run. */
export const ROUND_WARM_UP = 50;

/** A keep-alive agent per run so both targets are measured over warm connections. */
function agentFor(concurrency: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: concurrency });
}

function once(target: Target, agent: Agent, firstByte: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(target.url, { method: 'POST', agent, headers: { ...target.headers, 'content-length': Buffer.byteLength(target.body) } }, (res) => {
      let first = 0;
      res.on('data', () => {
        if (first === 0) first = Number(process.hrtime.bigint() - started) / 1e6;
      });
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
        resolve(firstByte ? first : Number(process.hrtime.bigint() - started) / 1e6);
      });
    });
    req.on('error', reject);
    req.end(target.body);
  });
}

export interface LoadOptions {
  readonly concurrency: number;
  readonly total: number;
  readonly warmup?: number;
  /** Measure to the first body byte instead of the whole response. */
  readonly firstByte?: boolean;
}

/** Sends `total` requests, `concurrency` at a time, after `warmup` unmeasured ones. Bounded in count and time. */
export async function runLoad(target: Target, options: LoadOptions): Promise<LoadResult> {
  const agent = agentFor(options.concurrency);
  const firstByte = options.firstByte ?? false;
  try {
    for (let i = 0; i < (options.warmup ?? 200); i++) await once(target, agent, firstByte);
    const latencies: number[] = [];
    let errors = 0;
    let next = 0;
    const deadline = Date.now() + 60_000;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < options.total && Date.now() < deadline) {
          next++;
          try {
            latencies.push(await once(target, agent, firstByte));
          } catch {
            errors++;
          }
        }
      }),
    );
    return { latencies, seconds: Number(process.hrtime.bigint() - started) / 1e9, errors };
  } finally {
    agent.destroy();
  }
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** One side of a paired comparison: medians over the rounds of each round's figures. */
export interface SideFigures {
  readonly p50: number;
  readonly p99: number;
  readonly rps: number;
}

export interface Paired {
  readonly direct: SideFigures;
  readonly gateway: SideFigures;
  /** Medians over the rounds of each round's difference (gateway − direct) and ratio (gateway / direct). */
  readonly addedP50: number;
  readonly addedP99: number;
  readonly rpsShare: number;
  readonly errors: number;
}

/**
 * Runs the two targets in alternating rounds and compares them round by round. This machine's speed drifts by
 * tens of percent over seconds; rounds side by side see the same drift, so their differences hold still where
 * two long runs one after the other do not.
 */
export async function runPaired(direct: Target, gateway: Target, options: LoadOptions & { readonly rounds: number }): Promise<Paired> {
  const rounds: { d: SideFigures; r: SideFigures }[] = [];
  let errors = 0;
  for (let i = 0; i < options.rounds; i++) {
    const run = async (target: Target) => {
      const result = await runLoad(target, { ...options, warmup: options.warmup ?? ROUND_WARM_UP });
      errors += result.errors;
      return { p50: percentile(result.latencies, 50), p99: percentile(result.latencies, 99), rps: result.latencies.length / result.seconds };
    };
    // Alternate which goes first, so neither always runs right after the other's background work.
    if (i % 2 === 0) {
      const d = await run(direct);
      rounds.push({ d, r: await run(gateway) });
    } else {
      const r = await run(gateway);
      rounds.push({ d: await run(direct), r });
    }
  }
  const median = (f: (x: { d: SideFigures; r: SideFigures }) => number) => percentile(rounds.map(f), 50);
  const side = (pick: (x: { d: SideFigures; r: SideFigures }) => SideFigures): SideFigures => ({
    p50: median((x) => pick(x).p50),
    p99: median((x) => pick(x).p99),
    rps: median((x) => pick(x).rps),
  });
  return {
    direct: side((x) => x.d),
    gateway: side((x) => x.r),
    addedP50: median((x) => x.r.p50 - x.d.p50),
    addedP99: median((x) => x.r.p99 - x.d.p99),
    rpsShare: median((x) => x.r.rps / x.d.rps),
    errors,
  };
}

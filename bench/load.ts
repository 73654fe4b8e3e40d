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

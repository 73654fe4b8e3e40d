import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { TestLocalRuntime } from './local-runtime.js';

/** A second gateway process sharing `local`'s tables and keys (test/support/peer-gateway-process.ts). */
export interface PeerGateway {
  readonly gatewayUrl: string;
  stop(): Promise<void>;
}

export async function startPeerGateway(local: TestLocalRuntime): Promise<PeerGateway> {
  const tablePrefix = local.runtime.config.tables.accounts.replace(/-accounts$/, '');
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/peer-gateway-process.ts', join(local.dataDir, 'master.key'), tablePrefix], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  try {
    const { gatewayUrl } = await readyLine<{ gatewayUrl: string }>(child);
    return { gatewayUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The JSON a child process prints on its `ready {…}` line, once it serves. */
export function readyLine<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (data: Buffer) => {
      buffered += data.toString('utf8');
      const line = buffered.split('\n').find((l) => l.startsWith('ready {'));
      if (line) resolve(JSON.parse(line.slice('ready '.length)) as T);
    });
    child.once('exit', (code) => reject(new Error(`the gateway process exited (${code}) before serving`)));
  });
}

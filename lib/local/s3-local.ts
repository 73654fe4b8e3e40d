import { mkdir } from 'node:fs/promises';
import type { S3Event } from 'aws-lambda';
import S3rver from 's3rver';

/** S3 event notifications as a bucket's configuration would have them: new objects under a prefix go to a handler. */
export interface LocalBucketSubscription {
  readonly bucket: string;
  readonly prefix: string;
  readonly handler: (event: S3Event) => Promise<unknown>;
}

export interface LocalS3 {
  /** `http://127.0.0.1:<port>`: use path-style addressing with credentials S3RVER/S3RVER. */
  readonly endpoint: string;
  /** Waits for the events being delivered, then closes the server. */
  stop(): Promise<void>;
}

/**
 * A real S3-protocol server on loopback (s3rver), state under `directory`, with `buckets` created. ObjectCreated events
 * are delivered to the subscribed handlers as S3 would invoke their Lambdas, one record per event and without retries.
 * It does not enforce presigned POST policies: the handlers check what arrives (FIELD-NOTES).
 */
export async function startLocalS3(options: {
  directory: string;
  buckets: readonly string[];
  subscriptions?: readonly LocalBucketSubscription[];
  /** Origins whose pages may POST presigned forms to the buckets and read the answer (S3's CORS rule). */
  corsOrigins?: readonly string[];
  port?: number;
  onError?: (err: unknown) => void;
}): Promise<LocalS3> {
  await mkdir(options.directory, { recursive: true, mode: 0o700 });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory: options.directory,
    vhostBuckets: false,
    configureBuckets: options.buckets.map((name) => ({ name, configs: options.corsOrigins ? [corsConfiguration(options.corsOrigins)] : [] })),
  });
  const inFlight = new Set<Promise<unknown>>();
  server.on('event', (event) => {
    for (const record of event.Records) {
      if (!record.eventName.startsWith('ObjectCreated:')) continue;
      for (const sub of options.subscriptions ?? []) {
        if (record.s3.bucket.name !== sub.bucket || !record.s3.object.key.startsWith(sub.prefix)) continue;
        const delivery = sub
          .handler({ Records: [record] })
          .catch((err: unknown) => options.onError?.(err))
          .finally(() => inFlight.delete(delivery));
        inFlight.add(delivery);
      }
    }
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      await Promise.all([...inFlight]);
      await server.close();
    },
  };
}

/** A bucket CORS configuration as S3 takes it (and s3rver reads it): POST and GET from `origins`, any header. */
function corsConfiguration(origins: readonly string[]): string {
  const allowed = origins.map((o) => `<AllowedOrigin>${o}</AllowedOrigin>`).join('');
  return `<CORSConfiguration><CORSRule>${allowed}<AllowedMethod>POST</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><MaxAgeSeconds>3600</MaxAgeSeconds></CORSRule></CORSConfiguration>`;
}

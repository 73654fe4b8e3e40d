import { DeleteObjectsCommand, ListObjectVersionsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { AVATARS_PREFIX, INCOMING_PREFIX } from '../profile/avatar-storage.js';
import type { AccountObjects } from './deletion-job.js';

/** Where an account's export files live in the exports bucket (written by the export job). */
export const EXPORTS_PREFIX = 'exports/';

/** A bucket and the key prefixes under which it holds one account's objects. */
export interface AccountBucket {
  readonly bucket: string;
  readonly prefixes: (accountId: string) => readonly string[];
}

/** The account's avatars (uploads not yet checked, and checked ones) and its exports, when that bucket is configured. */
export function accountBuckets(buckets: { avatars?: string; exports?: string }): AccountBucket[] {
  return [
    ...(buckets.avatars ? [{ bucket: buckets.avatars, prefixes: (id: string) => [`${INCOMING_PREFIX}${id}/`, `${AVATARS_PREFIX}${id}/`] }] : []),
    ...(buckets.exports ? [{ bucket: buckets.exports, prefixes: (id: string) => [`${EXPORTS_PREFIX}${id}/`] }] : []),
  ];
}

const PAGE = 100;

/**
 * The account's objects over the S3 API. Every version goes (the avatars bucket keeps replaced pictures as noncurrent
 * versions), so nothing waits for a lifecycle rule. A server without versioning (the local S3 server answers
 * ListObjectVersions with 405) is listed object by object instead.
 */
export function createS3AccountObjects(client: S3Client, buckets: readonly AccountBucket[]): AccountObjects {
  async function page(bucket: string, prefix: string): Promise<{ Key: string; VersionId?: string }[]> {
    try {
      const out = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, MaxKeys: PAGE }));
      return [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])].flatMap((v) =>
        v.Key ? [{ Key: v.Key, ...(v.VersionId ? { VersionId: v.VersionId } : {}) }] : [],
      );
    } catch (err) {
      const name = (err as { name?: string } | null)?.name;
      if (name !== 'MethodNotAllowed' && name !== 'NotImplemented') throw err;
      const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: PAGE }));
      return (out.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
    }
  }

  return {
    async deletePage(accountId, budget) {
      for (const { bucket, prefixes } of buckets) {
        for (const prefix of prefixes(accountId)) {
          const objects = await page(bucket, prefix);
          if (objects.length === 0) continue;
          budget.spend(objects.length);
          const out = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
          if ((out.Errors ?? []).length > 0) throw new Error(`S3 refused to delete ${out.Errors?.length} objects (${out.Errors?.[0]?.Code ?? 'unknown'})`);
          return objects.length;
        }
      }
      return 0;
    },
  };
}

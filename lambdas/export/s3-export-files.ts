import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3ClientFor } from '../profile/s3-avatar-storage.js';
import { EXPORT_LIMITS, type ExportFiles } from './ports.js';

/**
 * A multipart upload holds at most this many parts of this size in memory at once, whatever the file's size (S3's
 * smallest part is 5 MiB; 10,000 parts of 8 MiB allow files far beyond any account's export).
 */
const PART_BYTES = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

/** The exports bucket over the S3 API: the same code against AWS and the local S3 server. */
export function createS3ExportFiles(config: { region: string; bucket: string; endpoint?: string }, client: S3Client = s3ClientFor(config)): ExportFiles {
  const Bucket = config.bucket;
  return {
    async write(key, body) {
      // The bucket's default encryption (SSE-KMS with its own key) applies; nothing to ask for per object.
      const upload = new Upload({
        client,
        params: { Bucket, Key: key, Body: body, ContentType: 'application/gzip' },
        partSize: PART_BYTES,
        queueSize: PARTS_IN_FLIGHT,
        leavePartsOnError: false,
      });
      await upload.done();
      const head = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
      return { sizeBytes: head.ContentLength ?? 0 };
    },

    downloadUrl(key, fileName) {
      return getSignedUrl(client, new GetObjectCommand({ Bucket, Key: key, ResponseContentDisposition: `attachment; filename="${fileName}"` }), {
        expiresIn: EXPORT_LIMITS.linkSeconds,
      });
    },
  };
}

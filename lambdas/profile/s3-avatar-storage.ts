import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { AVATAR_LINK_SECONDS, AVATAR_MAX_BYTES, type AvatarStorage } from './avatar-storage.js';

/** Where the avatars bucket is: in AWS by name; locally also the S3-protocol server's URL (lib/local/s3-local.ts). */
export interface AvatarBucketConfig {
  readonly region: string;
  readonly bucket: string;
  readonly endpoint?: string;
}

/** An S3 client for the bucket: path-style with the local server's fixed credentials when an endpoint is given. */
export function s3ClientFor(config: Pick<AvatarBucketConfig, 'region' | 'endpoint'>): S3Client {
  return new S3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } } : {}),
  });
}

/** The avatars bucket over the S3 API, the same code against AWS and against the local server. */
export function createS3AvatarStorage(config: AvatarBucketConfig, client: S3Client = s3ClientFor(config)): AvatarStorage {
  const Bucket = config.bucket;
  return {
    async uploadForm(key, contentType) {
      // S3 enforces these conditions; the local server does not, so the event handler checks size and type again.
      const post = await createPresignedPost(client, {
        Bucket,
        Key: key,
        Conditions: [
          ['content-length-range', 1, AVATAR_MAX_BYTES],
          ['eq', '$Content-Type', contentType],
        ],
        Fields: { 'Content-Type': contentType },
        Expires: AVATAR_LINK_SECONDS,
      });
      return { url: post.url, fields: post.fields };
    },

    viewUrl(key) {
      return getSignedUrl(client, new GetObjectCommand({ Bucket, Key: key }), { expiresIn: AVATAR_LINK_SECONDS });
    },

    async size(key) {
      try {
        return (await client.send(new HeadObjectCommand({ Bucket, Key: key }))).ContentLength;
      } catch (err) {
        if ((err as { name?: string } | null)?.name === 'NotFound') return undefined;
        throw err;
      }
    },

    async read(key) {
      const out = await client.send(new GetObjectCommand({ Bucket, Key: key }));
      if (!out.Body) throw new Error('S3 returned no body');
      return out.Body.transformToByteArray();
    },

    async copy(from, to, contentType) {
      await client.send(new CopyObjectCommand({ Bucket, Key: to, CopySource: `${Bucket}/${from}`, ContentType: contentType, MetadataDirective: 'REPLACE' }));
    },

    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
  };
}

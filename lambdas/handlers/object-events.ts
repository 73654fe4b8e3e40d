import { INCOMING_PREFIX } from '../profile/avatar-storage.js';

/**
 * Lambda handlers that S3 invokes for new objects (not API Gateway routes): read by lib/avatars.ts, which subscribes
 * them to their bucket, and by the local runtime, which feeds them the local S3 server's events.
 */
export const OBJECT_EVENT_HANDLERS = {
  'avatar-upload': { bucket: 'avatars', prefix: INCOMING_PREFIX },
} as const satisfies Record<string, { bucket: string; prefix: string }>;

export type ObjectEventHandlerName = keyof typeof OBJECT_EVENT_HANDLERS;

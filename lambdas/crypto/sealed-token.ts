import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { IV_BYTES, TAG_BYTES, open, seal } from './aes-gcm.js';
import { canonicalContext } from './encryption-context.js';

/**
 * Sealed tokens: a small payload given to the client instead of being stored (the Responses API's state, P1),
 * compressed, then encrypted and authenticated with AES-256-GCM under the account's state key. The account, the
 * token's kind and its expiry are bound as associated data, so a token opens only for the account that got it, as
 * the kind it was issued as, and only until it expires; any changed byte fails the tag.
 *
 * Layout, base64url: version (1 byte) ‖ expiry (uint32, epoch seconds) ‖ iv (12) ‖ ciphertext ‖ tag (16).
 */
const VERSION = 1;
const HEADER_BYTES = 1 + 4;

/** The largest token RouKey issues or opens, in characters: past it the client sends the conversation itself. */
export const MAX_SEALED_TOKEN_CHARS = 1_000_000;

/** An authentic payload is inflated to at most this: the bound is for RouKey's own bugs, as nobody else can seal. */
const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

/** What a token is bound to besides its key. */
export interface TokenBinding {
  readonly accountId: string;
  /** What the token stands for (`resp`, `msg`…): a token of one kind never opens as another. */
  readonly kind: string;
}

/** Why a token did not open. Messages name no content: a token's plaintext is the client's content. */
export type SealedTokenFailure = 'malformed' | 'expired' | 'too_large' | 'not_authentic';

export class SealedTokenError extends Error {
  constructor(readonly reason: SealedTokenFailure) {
    super(`sealed token refused: ${reason}`);
    this.name = 'SealedTokenError';
  }
}

/** `payload` sealed for `binding` until `expiresAt` (epoch seconds); undefined when the token would be too large. */
export function sealToken(key: Uint8Array, binding: TokenBinding, payload: string, expiresAt: number): string | undefined {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(VERSION, 0);
  header.writeUInt32BE(expiresAt, 1);
  const { iv, body, tag } = seal(key, deflateRawSync(Buffer.from(payload, 'utf8')), associatedData(binding, expiresAt));
  const token = Buffer.concat([header, iv, body, tag]).toString('base64url');
  return token.length <= MAX_SEALED_TOKEN_CHARS ? token : undefined;
}

/** The payload of a token sealed for `binding`, or a SealedTokenError saying why not. */
export function openToken(key: Uint8Array, binding: TokenBinding, token: string, now = Date.now()): string {
  const bytes = decode(token);
  const { expiresAt } = header(bytes);
  if (expiresAt * 1000 <= now) throw new SealedTokenError('expired');
  const iv = bytes.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES);
  const body = bytes.subarray(HEADER_BYTES + IV_BYTES, bytes.length - TAG_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  let compressed: Buffer;
  try {
    compressed = open(key, { iv, body, tag }, associatedData(binding, expiresAt));
  } catch {
    throw new SealedTokenError('not_authentic');
  }
  return inflateRawSync(compressed, { maxOutputLength: MAX_PAYLOAD_BYTES }).toString('utf8');
}

function decode(token: string): Buffer {
  if (token.length > MAX_SEALED_TOKEN_CHARS) throw new SealedTokenError('too_large');
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new SealedTokenError('malformed');
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length < HEADER_BYTES + IV_BYTES + TAG_BYTES) throw new SealedTokenError('malformed');
  return bytes;
}

function header(bytes: Buffer): { expiresAt: number } {
  if (bytes.readUInt8(0) !== VERSION) throw new SealedTokenError('malformed');
  return { expiresAt: bytes.readUInt32BE(1) };
}

function associatedData({ accountId, kind }: TokenBinding, expiresAt: number): Buffer {
  return canonicalContext({ accountId, kind, expiresAt: String(expiresAt) });
}

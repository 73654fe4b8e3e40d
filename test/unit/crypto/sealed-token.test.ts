import { randomBytes } from 'node:crypto';
import { MAX_SEALED_TOKEN_CHARS, openToken, SealedTokenError, sealToken } from '../../../lambdas/crypto/sealed-token.js';
import { expectThrown } from '../../support/thrown.js';

const key = randomBytes(32);
const binding = { accountId: 'acc_a', kind: 'msg' };
const now = Date.UTC(2026, 0, 1);
const inAMonth = Math.floor(now / 1000) + 30 * 24 * 3600;
const payload = JSON.stringify({
  content: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hello! How can I help you today?' }] },
});

describe('sealed tokens', () => {
  const token = sealToken(key, binding, payload, inAMonth) ?? '';

  it('open for the account and kind they were sealed for, until they expire', () => {
    expect(openToken(key, binding, token, now)).toBe(payload);
    expect(expectThrown(SealedTokenError, () => openToken(key, binding, token, inAMonth * 1000)).reason).toBe('expired');
  });

  it('never open for another account, as another kind, under another key, or changed by one character', () => {
    for (const [k, b, t] of [
      [key, { ...binding, accountId: 'acc_b' }, token],
      [key, { ...binding, kind: 'fc' }, token],
      [randomBytes(32), binding, token],
      [key, binding, `${token.slice(0, 30)}${token[30] === 'A' ? 'B' : 'A'}${token.slice(31)}`],
    ] as const) {
      expect(expectThrown(SealedTokenError, () => openToken(k, b, t, now)).reason).toBe('not_authentic');
    }
  });

  it('refuse garbage and oversize input before any decryption, and are never issued past the bound', () => {
    expect(expectThrown(SealedTokenError, () => openToken(key, binding, 'not a token!', now)).reason).toBe('malformed');
    expect(expectThrown(SealedTokenError, () => openToken(key, binding, 'AQ', now)).reason).toBe('malformed');
    expect(expectThrown(SealedTokenError, () => openToken(key, binding, 'A'.repeat(MAX_SEALED_TOKEN_CHARS + 1), now)).reason).toBe('too_large');
    expect(sealToken(key, binding, randomBytes(900_000).toString('base64'), inAMonth)).toBeUndefined();
  });

  it('are short for a typical answer: compressed, with a fixed overhead of 33 bytes', () => {
    // 5-byte header + 12-byte IV + 16-byte tag, then base64url.
    expect(token.length).toBeLessThan(Math.ceil(((payload.length + 33) * 4) / 3));
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

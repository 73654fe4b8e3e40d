import type { AccountStateKeys } from '../../../crypto/account-state-keys.js';
import { openToken, SealedTokenError, sealToken } from '../../../crypto/sealed-token.js';
import { ApiError } from '../../../http/errors.js';

/**
 * State without storage (P1): the ids RouKey issues for translated responses are sealed tokens carrying what they
 * stand for, so `previous_response_id`, `item_reference` and `GET /v1/responses/{id}` work from the id alone.
 * A response id carries the conversation up to and including its output; an output item's id carries that item.
 */

/** How long an id carries its content: OpenAI's retention of stored responses. */
export const STATE_TTL_SECONDS = 30 * 24 * 60 * 60;

/** The prefix of each kind of id, as OpenAI's clients expect them. */
export const ID_PREFIX = { response: 'resp', message: 'msg', function_call: 'fc', reasoning: 'rs' } as const;
export type IdKind = keyof typeof ID_PREFIX;

/**
 * What a sealed id holds: its content, or why it holds none: `hollow` for ids of a stream sent with `store: false`
 * (announced before their content existed), `too_large` when the content would not fit in an id.
 */
type Sealed<T> = { readonly content: T } | { readonly empty: 'hollow' | 'too_large' };

/** An id RouKey cannot open for this account, as the 400 that tells the caller what to send instead. */
export function stateRefusal(param: string, why: 'unknown' | 'hollow' | 'too_large' | 'expired'): ApiError {
  const reason = {
    unknown: 'is not an id RouKey issued to this account (or it was changed)',
    expired: 'has expired (ids carry their content for 30 days)',
    hollow: 'was issued in a stream sent with store: false, before its content existed, so it carries none',
    too_large: 'stands for content too large (over 1 MB) to carry in an id',
  }[why];
  return new ApiError('invalid_request', `${param} ${reason}. RouKey stores no content: send the whole conversation in input instead.`, {
    param,
    code: 'response_state_unavailable',
  });
}

/** Sealing and opening ids for one account. */
export class ResponseState {
  private constructor(
    private readonly key: Uint8Array,
    private readonly accountId: string,
    private readonly now: () => number,
  ) {}

  static async forAccount(keys: AccountStateKeys, accountId: string, now: () => number = Date.now): Promise<ResponseState> {
    return new ResponseState(await keys.forAccount(accountId), accountId, now);
  }

  /** An id of `kind` carrying `content`; without content, a hollow id (it opens, to say it carries nothing). */
  seal(kind: IdKind, content?: unknown): string {
    const expiresAt = Math.floor(this.now() / 1000) + STATE_TTL_SECONDS;
    const binding = { accountId: this.accountId, kind };
    const sealed = (value: Sealed<unknown>) => sealToken(this.key, binding, JSON.stringify(value), expiresAt);
    const token = content === undefined ? sealed({ empty: 'hollow' }) : (sealed({ content }) ?? sealed({ empty: 'too_large' }));
    return `${ID_PREFIX[kind]}_${token}`;
  }

  /**
   * The content of an id RouKey sealed for this account, or undefined when the id is not one (another account's,
   * changed, expired, or a provider's own id). An id of RouKey's that carries nothing is refused here, naming `param`.
   */
  open(kinds: readonly IdKind[], id: string, param: string): unknown {
    const read = this.read(kinds, id);
    if (typeof read !== 'object') return undefined;
    if ('content' in read) return read.content;
    throw stateRefusal(param, read.empty);
  }

  /** As `open`, but an id that is not RouKey's is refused too, saying why. */
  require(kinds: readonly IdKind[], id: string, param: string): unknown {
    const read = this.read(kinds, id);
    if (typeof read !== 'object') throw stateRefusal(param, read ?? 'unknown');
    if ('content' in read) return read.content;
    throw stateRefusal(param, read.empty);
  }

  private read(kinds: readonly IdKind[], id: string): Sealed<unknown> | 'expired' | undefined {
    let expired = false;
    for (const kind of kinds) {
      const prefix = `${ID_PREFIX[kind]}_`;
      if (!id.startsWith(prefix)) continue;
      try {
        return JSON.parse(openToken(this.key, { accountId: this.accountId, kind }, id.slice(prefix.length), this.now())) as Sealed<unknown>;
      } catch (err) {
        if (!(err instanceof SealedTokenError)) throw err;
        expired ||= err.reason === 'expired';
      }
    }
    return expired ? 'expired' : undefined;
  }
}

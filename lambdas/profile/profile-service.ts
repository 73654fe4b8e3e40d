import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ConsentGate } from '../accounts/consent-gate.js';
import { POLICY_VERSION, type Consent } from '../accounts/policy.js';
import type { UserDirectory } from '../accounts/user-directory.js';
import { ApiError } from '../http/errors.js';
import type { Notifier } from '../notices/notifier.js';
import { RACED, untilSettled } from '../store/accounts-items.js';
import { AVATAR_LINK_SECONDS, AVATAR_MAX_BYTES, AVATAR_TYPES, incomingKey, type AvatarStorage } from './avatar-storage.js';
import { applyPatch, type Preferences, type ProfilePatch } from './preferences.js';
import type { ProfileRecord, ProfileStore } from './profile-store.js';

/** `POST /v1/me/consent`. */
export const consentBodySchema = z.strictObject({
  policyVersion: z.string().min(1).max(32),
  over13: z.literal(true, { error: 'must be true: RouKey is not for children under 13' }),
});

/** `POST /v1/me/avatar`: the type of the file the browser will send. */
export const avatarUploadBodySchema = z.strictObject({
  contentType: z.enum(AVATAR_TYPES, { error: `must be one of: ${AVATAR_TYPES.join(', ')}` }),
});

/** `POST /v1/me/email` and `POST /v1/me/email/verify`. */
export const emailChangeBodySchema = z.strictObject({ email: z.email({ error: 'must be an email address' }).max(254) });
export const emailVerifyBodySchema = z.strictObject({ code: z.string().regex(/^[0-9]{4,10}$/, { error: 'must be the code from the email' }) });

/** `GET /v1/me`. */
export interface MeView {
  readonly object: 'me';
  readonly accountId: string;
  readonly email: string | null;
  readonly displayName: string | null;
  /** A short-lived link to the uploaded avatar, else the sign-in provider's picture, else null. */
  readonly avatarUrl: string | null;
  readonly avatarSource: 'upload' | 'provider' | null;
  readonly plan: string;
  readonly createdAt: string;
  readonly signInMethods: readonly string[];
  readonly preferences: Preferences & { readonly notifications: { readonly security: true } };
  readonly consent: { readonly policyVersion: string; readonly over13: true; readonly acceptedAt: string } | null;
  readonly currentPolicyVersion: string;
  /** No consent yet: routes other than `/v1/me*` answer 403 `consent_required` until `POST /v1/me/consent` (P24). */
  readonly consentRequired: boolean;
  /** The policy changed since the user accepted it: show the notice and ask again (P25). */
  readonly policyUpdate: boolean;
}

export interface ProfileService {
  me(accountId: string, username: string): Promise<MeView>;
  update(accountId: string, username: string, patch: ProfilePatch): Promise<MeView>;
  consent(accountId: string, body: z.infer<typeof consentBodySchema>): Promise<ConsentView>;
  avatarUploadForm(accountId: string, contentType: z.infer<typeof avatarUploadBodySchema>['contentType']): Promise<AvatarUploadForm>;
  removeAvatar(accountId: string): Promise<void>;
  /** Asks Cognito to mail a code to the new address; the profile's email changes once it is verified (P19). */
  startEmailChange(accessToken: string, email: string): Promise<void>;
  verifyEmail(accountId: string, username: string, accessToken: string, code: string): Promise<MeView>;
}

/** `POST /v1/me/consent`'s answer: what was recorded. */
export interface ConsentView {
  readonly object: 'consent';
  readonly policyVersion: string;
  readonly over13: true;
  readonly acceptedAt: string;
}

export interface AvatarUploadForm {
  readonly object: 'avatar_upload';
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly maxBytes: number;
  readonly expiresAt: string;
}

export function createProfileService(deps: {
  store: ProfileStore & { setEmail(accountId: string, email: string, options?: { replace?: boolean }): Promise<void> };
  directory: Pick<UserDirectory, 'details' | 'changeEmail' | 'verifyEmail'>;
  consentGate: Pick<ConsentGate, 'adoptSignUpConsent'>;
  /** Loaded by the calls that use the bucket only (the S3 SDK is a large import). */
  avatars: () => Promise<AvatarStorage>;
  /** A changed email address is told to the old one (a security notice). */
  notices: Pick<Notifier, 'notify'>;
  now?: () => number;
}): ProfileService {
  const { store, directory, consentGate, now = Date.now } = deps;
  const avatars = { storage: deps.avatars };

  async function record(accountId: string): Promise<ProfileRecord> {
    const found = await store.profileRecord(accountId);
    if (!found) throw new Error('The account has no profile');
    return found;
  }

  async function view(profile: ProfileRecord, username: string): Promise<MeView> {
    const details = await directory.details(username).catch(() => undefined);
    const consent = profile.consent ?? (await consentGate.adoptSignUpConsent(profile.accountId, username));
    const avatarUrl = profile.avatar ? await (await avatars.storage()).viewUrl(profile.avatar.key) : (details?.picture ?? null);
    return {
      object: 'me',
      accountId: profile.accountId,
      email: profile.email ?? details?.email ?? null,
      displayName: profile.displayName ?? null,
      avatarUrl,
      avatarSource: profile.avatar ? 'upload' : avatarUrl ? 'provider' : null,
      plan: profile.plan,
      createdAt: profile.createdAt,
      signInMethods: details?.signInMethods ?? [],
      preferences: { ...profile.preferences, notifications: { ...profile.preferences.notifications, security: true } },
      consent: consent ? { policyVersion: consent.policyVersion, over13: true, acceptedAt: consent.acceptedAt } : null,
      currentPolicyVersion: POLICY_VERSION,
      consentRequired: consent === undefined,
      policyUpdate: consent !== undefined && consent.policyVersion !== POLICY_VERSION,
    };
  }

  return {
    async me(accountId, username) {
      return view(await record(accountId), username);
    },

    async update(accountId, username, patch) {
      const saved = await untilSettled(async () => {
        const current = await record(accountId);
        const displayName = patch.displayName === null ? undefined : (patch.displayName ?? current.displayName);
        const preferences = applyPatch(current.preferences, patch);
        const written = await store.saveSettings(accountId, { preferences, ...(displayName === undefined ? {} : { displayName }) }, current.settingsRevision);
        return written ? { ...current, displayName, preferences } : RACED;
      });
      return view(saved, username);
    },

    async consent(accountId, body) {
      if (body.policyVersion !== POLICY_VERSION) {
        throw new ApiError('invalid_request', `Invalid 'policyVersion': the current privacy policy is version ${POLICY_VERSION}.`, {
          param: 'policyVersion',
          code: 'policy_version_mismatch',
        });
      }
      const consent: Consent = { policyVersion: POLICY_VERSION, over13: true, acceptedAt: new Date(now()).toISOString(), source: 'api' };
      await store.recordConsent(accountId, consent);
      return { object: 'consent', policyVersion: consent.policyVersion, over13: true, acceptedAt: consent.acceptedAt };
    },

    async avatarUploadForm(accountId, contentType) {
      const form = await (await avatars.storage()).uploadForm(incomingKey(accountId, randomBytes(16).toString('base64url')), contentType);
      return {
        object: 'avatar_upload',
        url: form.url,
        fields: form.fields,
        maxBytes: AVATAR_MAX_BYTES,
        expiresAt: new Date(now() + AVATAR_LINK_SECONDS * 1000).toISOString(),
      };
    },

    async removeAvatar(accountId) {
      const previous = await store.setAvatar(accountId, undefined);
      if (previous) await (await avatars.storage()).remove(previous.key);
    },

    async startEmailChange(accessToken, email) {
      await directory.changeEmail(accessToken, email);
    },

    async verifyEmail(accountId, username, accessToken, code) {
      if ((await directory.verifyEmail(accessToken, code)) === 'invalid_code') {
        throw new ApiError('invalid_request', "Invalid 'code': it is wrong or has expired.", { param: 'code', code: 'invalid_code' });
      }
      const previous = (await record(accountId)).email;
      const details = await directory.details(username);
      if (details.email) await store.setEmail(accountId, details.email, { replace: true });
      if (previous !== undefined && details.email !== undefined && previous !== details.email) {
        await deps.notices.notify(accountId, { kind: 'security', event: 'email_changed' }, { to: previous });
      }
      return view(await record(accountId), username);
    },
  };
}

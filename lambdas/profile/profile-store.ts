import type { AccountProfile } from '../accounts/account-profile.js';
import type { ConsentStore } from '../accounts/consent-gate.js';
import type { Consent } from '../accounts/policy.js';
import type { Preferences } from './preferences.js';

/** An avatar that passed its checks, as the PROFILE item keeps it. */
export interface StoredAvatar {
  /** Its object key in the avatars bucket. */
  readonly key: string;
  readonly contentType: string;
  readonly updatedAt: string;
}

/** What the user sets on their profile. */
export interface ProfileSettings {
  readonly displayName?: string;
  readonly preferences: Preferences;
}

/** The PROFILE item with everything `GET /v1/me` shows of it. */
export interface ProfileRecord extends AccountProfile, ProfileSettings {
  /** Increases with every settings write, so concurrent PATCHes never lose each other's fields. */
  readonly settingsRevision: number;
  readonly consent?: Consent;
  readonly avatar?: StoredAvatar;
}

/** Persistence of the profile API (lambdas/store/accounts-profiles.ts). */
export interface ProfileStore extends ConsentStore {
  profileRecord(accountId: string): Promise<ProfileRecord | undefined>;
  /** Writes the settings when the stored revision is still `revision`; false when another write came first. */
  saveSettings(accountId: string, settings: ProfileSettings, revision: number): Promise<boolean>;
  /** Every acceptance of the policy, oldest first. */
  consentHistory(accountId: string): Promise<Consent[]>;
  /** Sets (or, with undefined, removes) the account's avatar; the one it replaced, if any. */
  setAvatar(accountId: string, avatar: StoredAvatar | undefined): Promise<StoredAvatar | undefined>;
}

import { AVATAR_MAX_BYTES } from '../../../lambdas/profile/avatar-storage.js';
import { checkAvatarImage, sniffImageType } from '../../../lambdas/profile/image-check.js';
import { preferencesOf, profilePatchSchema, DEFAULT_PREFERENCES, wantsEmail, applyPatch } from '../../../lambdas/profile/preferences.js';
import { GIF, jpegHeader, png } from '../../support/images.js';

describe('avatar image check', () => {
  it('P17: accepts PNG and JPEG within 1024×1024 by their own bytes, whatever a browser declared', () => {
    expect(checkAvatarImage(png(64, 64))).toEqual({ ok: true, contentType: 'image/png' });
    expect(checkAvatarImage(png(1024, 1024))).toEqual({ ok: true, contentType: 'image/png' });
    expect(checkAvatarImage(jpegHeader(800, 600))).toEqual({ ok: true, contentType: 'image/jpeg' });
  });

  it('P17: refuses more pixels than 1024 on either side, other types, disguised files and anything over 1 MB', () => {
    expect(checkAvatarImage(png(1025, 10))).toEqual({ ok: false, reason: 'too_many_pixels' });
    expect(checkAvatarImage(jpegHeader(10, 2000))).toEqual({ ok: false, reason: 'too_many_pixels' });
    expect(checkAvatarImage(GIF)).toEqual({ ok: false, reason: 'not_an_image' });
    expect(checkAvatarImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toEqual({ ok: false, reason: 'not_an_image' });
    // A PNG signature in front of a JPEG: the header parser disagrees with the magic bytes.
    const disguised = Buffer.concat([png(1, 1).subarray(0, 8), Buffer.from(jpegHeader(10, 10))]);
    expect(checkAvatarImage(disguised).ok).toBe(false);
    const big = Buffer.concat([png(10, 10), Buffer.alloc(AVATAR_MAX_BYTES)]);
    expect(checkAvatarImage(big)).toEqual({ ok: false, reason: 'too_large' });
  });

  it('recognises WebP by RIFF….WEBP and nothing else by accident', () => {
    expect(sniffImageType(Buffer.from('RIFF\x00\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('image/webp');
    expect(sniffImageType(Buffer.from('RIFF\x00\x00\x00\x00WAVEfmt ', 'latin1'))).toBeUndefined();
    expect(sniffImageType(new Uint8Array())).toBeUndefined();
  });
});

describe('preferences', () => {
  it('P17: timezones are IANA names, stored canonically; offsets, abbreviations and unknown zones are refused', () => {
    expect(profilePatchSchema.parse({ timezone: 'europe/berlin' }).timezone).toBe('Europe/Berlin');
    expect(profilePatchSchema.parse({ timezone: 'America/New_York' }).timezone).toBe('America/New_York');
    expect(profilePatchSchema.parse({ timezone: 'UTC' }).timezone).toBe('UTC');
    for (const bad of ['+01:00', 'Mars/Olympus', 'Europe/Berlin; drop', '', 'a'.repeat(65)]) {
      expect(profilePatchSchema.safeParse({ timezone: bad }).success).toBe(false);
    }
  });

  it('P17: languages are BCP 47 tags from the supported list, matched without regard to case', () => {
    expect(profilePatchSchema.parse({ language: 'en-gb' }).language).toBe('en-GB');
    expect(profilePatchSchema.parse({ language: 'de' }).language).toBe('de');
    expect(profilePatchSchema.safeParse({ language: 'tlh' }).success).toBe(false);
    expect(profilePatchSchema.safeParse({ language: 'en_GB' }).success).toBe(false);
  });

  it('P21: product updates are off by default and can be turned on and off; security notices cannot be turned off', () => {
    expect(DEFAULT_PREFERENCES.notifications.productUpdates).toBe(false);
    expect(wantsEmail(preferencesOf(undefined), 'productUpdates')).toBe(false);
    const on = applyPatch(DEFAULT_PREFERENCES, profilePatchSchema.parse({ notifications: { productUpdates: true } }));
    expect(wantsEmail(on, 'productUpdates')).toBe(true);
    expect(wantsEmail(applyPatch(on, profilePatchSchema.parse({ notifications: { productUpdates: false } })), 'productUpdates')).toBe(false);
    expect(profilePatchSchema.safeParse({ notifications: { security: false } }).success).toBe(false);
    expect(profilePatchSchema.parse({ notifications: { security: true } })).toEqual({ notifications: { security: true } });
    expect(wantsEmail(on, 'security')).toBe(true);
  });

  it('reads a stored value defensively: anything unknown is the default, nothing throws', () => {
    expect(preferencesOf({ timezone: 'Nowhere/Land', language: 'xx', dashboard: { theme: 'neon' }, notifications: 'yes' })).toEqual(DEFAULT_PREFERENCES);
    expect(preferencesOf({ timezone: 'Asia/Tokyo', dashboard: { theme: 'dark' } })).toMatchObject({
      timezone: 'Asia/Tokyo',
      dashboard: { theme: 'dark', defaultDateRange: '7d' },
    });
    expect(profilePatchSchema.safeParse({ email: 'new@example.com' }).success).toBe(false);
  });
});

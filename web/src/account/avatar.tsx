import { useRef, useState } from 'preact/hooks';
import { AVATAR_MAX_BYTES, AVATAR_MAX_PIXELS, AVATAR_TYPES } from '../../../lambdas/profile/avatar-storage.js';
import type { AvatarUploadForm } from '../../../lambdas/profile/profile-service.js';
import { api } from '../api.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { poll } from '../ui/poll.js';
import { ErrorMessage } from '../ui/states.js';
import { useAction } from '../ui/use-api.js';
import type { MeView } from './me.js';

/** How long the upload's check (an S3 event, then a Lambda) may take before the page says it was refused. */
const CHECK_DEADLINE_MS = 30_000;

/** The avatar's object, without the presigned link's signature (which changes on every read). */
function avatarObject(url: string | null): string | null {
  return url ? (url.split('?')[0] ?? null) : null;
}

/** What the server's check would refuse, found before uploading: the type, the size, the dimensions. */
async function problemWith(file: File): Promise<string | null> {
  if (!(AVATAR_TYPES as readonly string[]).includes(file.type)) return 'Choose a PNG, JPEG or WebP image.';
  if (file.size > AVATAR_MAX_BYTES) return 'The picture is larger than 1 MB.';
  const bitmap = await createImageBitmap(file).catch(() => null);
  if (!bitmap) return 'The file is not an image this browser can read.';
  const tooLarge = bitmap.width > AVATAR_MAX_PIXELS || bitmap.height > AVATAR_MAX_PIXELS;
  bitmap.close();
  return tooLarge ? `The picture is larger than ${AVATAR_MAX_PIXELS}×${AVATAR_MAX_PIXELS} pixels.` : null;
}

/** The presigned POST straight to S3 (docs/profile.md), S3's own message when it refuses. */
async function postToS3(form: AvatarUploadForm, file: File): Promise<void> {
  const body = new FormData();
  for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
  body.append('file', file);
  const res = await fetch(form.url, { method: 'POST', body }).catch(() => undefined);
  if (!res) throw new Error('The picture could not be sent. Check your connection and try again.');
  if (!res.ok) {
    const message = /<Message>([^<]*)<\/Message>/.exec(await res.text())?.[1];
    throw new Error(`The upload was refused${message ? `: ${message}` : ` (HTTP ${res.status})`}.`);
  }
}

/** The profile picture: shown, replaced by an upload, removed. */
export function Avatar({ view, onChanged }: { view: MeView; onChanged: (v: MeView) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const action = useAction();
  const [status, setStatus] = useState<string | null>(null);

  const upload = async (file: File) => {
    setStatus(null);
    const done = await action.run(async () => {
      const problem = await problemWith(file);
      if (problem) throw new Error(problem);
      const before = avatarObject(view.avatarUrl);
      setStatus('Uploading…');
      await postToS3(await api<AvatarUploadForm>('POST', '/v1/me/avatar', { contentType: file.type }), file);
      setStatus('Checking the picture…');
      const updated = await poll(CHECK_DEADLINE_MS, async () => {
        const next = await api<MeView>('GET', '/v1/me');
        return next.avatarSource === 'upload' && avatarObject(next.avatarUrl) !== before ? next : undefined;
      });
      if (!updated) throw new Error('The picture was not accepted: use a PNG, JPEG or WebP image of at most 1024×1024 pixels and 1 MB.');
      onChanged(updated);
      return updated;
    });
    setStatus(done ? 'Your new picture is saved.' : null);
    if (input.current) input.current.value = '';
  };

  const remove = async () => {
    setStatus(null);
    const done = await action.run(async () => {
      await api('DELETE', '/v1/me/avatar');
      const updated = await api<MeView>('GET', '/v1/me');
      onChanged(updated);
      return updated;
    });
    if (done) setStatus('Your picture is removed.');
  };

  return (
    <section class="card avatar" aria-labelledby="avatar-title">
      <h2 id="avatar-title">Profile picture</h2>
      <div class="row">
        {view.avatarUrl ? (
          <img class="avatar-image" src={view.avatarUrl} alt="Your avatar" width={96} height={96} />
        ) : (
          <span class="avatar-image avatar-none" role="img" aria-label="No profile picture">
            {(view.displayName ?? view.email ?? '?').slice(0, 1).toUpperCase()}
          </span>
        )}
        <div>
          <label>
            {view.avatarUrl ? 'Replace the picture' : 'Upload a picture'}
            <input
              ref={input}
              type="file"
              accept={AVATAR_TYPES.join(',')}
              disabled={action.busy}
              onChange={(e) => {
                const file = e.currentTarget.files?.[0];
                if (file) void upload(file);
              }}
            />
          </label>
          <p class="hint">PNG, JPEG or WebP, at most 1024×1024 pixels and 1 MB.</p>
          {view.avatarSource === 'upload' && (
            <ConfirmButton
              label="Remove"
              subject="your profile picture"
              question="Remove your picture?"
              disabled={action.busy}
              onConfirm={() => void remove()}
            />
          )}
          {view.avatarSource === 'provider' && <p class="hint">This picture comes from your sign-in provider.</p>}
        </div>
      </div>
      <ErrorMessage message={action.error} />
      {status && !action.error && <p role="status">{status}</p>}
    </section>
  );
}

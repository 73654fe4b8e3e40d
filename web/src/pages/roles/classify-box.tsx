import { useState } from 'preact/hooks';
import { api } from '../../api.js';
import { ErrorMessage } from '../../ui/states.js';
import { useAction } from '../../ui/use-api.js';

interface Classification {
  readonly role: string;
  readonly confidence: number;
  readonly minConfidence: number;
  readonly belowMinConfidence: boolean;
  readonly complexity: number;
  readonly candidates: number;
}

/**
 * "Classify this": the local classifier on a sample prompt among the account's roles (`POST /v1/roles/classify`),
 * which stores nothing. The prompt is kept in this component only.
 */
export function ClassifyBox() {
  const [prompt, setPrompt] = useState('');
  const [result, setResult] = useState<Classification | null>(null);
  const classify = useAction();
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setResult(null);
    const answer = await classify.run(() => api<Classification>('POST', '/v1/roles/classify', { prompt }));
    if (answer) setResult(answer);
  };
  return (
    <form class="card" aria-labelledby="classify-this" onSubmit={(e) => void onSubmit(e)}>
      <h2 id="classify-this">Classify this</h2>
      <p class="hint">How a role config's local classifier would read a request, among all your roles. RouKey keeps nothing of the prompt.</p>
      <label>
        Sample prompt
        <textarea required rows={3} value={prompt} onInput={(e) => setPrompt(e.currentTarget.value)} />
      </label>
      <button type="submit" disabled={classify.busy || !prompt.trim()}>
        Classify
      </button>
      <ErrorMessage message={classify.error} />
      <div aria-live="polite">
        {result && (
          <dl class="decision" aria-label="Classification">
            <div>
              <dt>Role</dt>
              <dd>{result.role}</dd>
            </div>
            <div>
              <dt>Confidence</dt>
              <dd>
                {Math.round(result.confidence * 100)}%
                {result.belowMinConfidence && ` (below ${Math.round(result.minConfidence * 100)}%: a role config would use its default role)`}
              </dd>
            </div>
            <div>
              <dt>Complexity band</dt>
              <dd>{result.complexity} of 5</dd>
            </div>
            <div>
              <dt>Roles compared</dt>
              <dd>{result.candidates}</dd>
            </div>
          </dl>
        )}
      </div>
    </form>
  );
}

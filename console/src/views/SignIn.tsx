import { useState } from 'preact/hooks';

/**
 * The token is entered once per tab: kept in sessionStorage (gone with the tab), sent only in the
 * Authorization header, never put in a URL.
 */
export function SignIn({ onToken, error, busy }: { onToken: (token: string) => void; error?: string; busy: boolean }) {
  const [value, setValue] = useState('');
  return (
    <main id="main" class="signin">
      <div class="signin-card">
        <p class="brand signin-brand">
          <span class="brand-mark" aria-hidden="true">
            ▸▸
          </span>{' '}
          Stagecoach
        </p>
        <h1 tabIndex={-1}>Sign in</h1>
        <p class="muted">
          Paste your Stagecoach API token. It stays in this browser tab only and is sent to this Stagecoach
          alone. Locally, <code>stagecoach serve</code> prints where its admin token is kept; an admin issues
          others with <code>stagecoach tokens issue</code>.
        </p>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const t = value.trim();
            if (t) onToken(t);
          }}
        >
          <label for="token">API token</label>
          <input
            id="token"
            name="token"
            type="password"
            autocomplete="off"
            spellcheck={false}
            required
            value={value}
            onInput={(e) => setValue((e.target as HTMLInputElement).value)}
            aria-describedby={error ? 'signin-error' : undefined}
          />
          {error && (
            <p class="problem" role="alert" id="signin-error">
              {error}
            </p>
          )}
          <button type="submit" class="button-primary" disabled={busy}>
            {busy ? 'Checking…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}

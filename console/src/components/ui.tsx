import type { ComponentChildren } from 'preact';
import { ApiError } from '../api';
import { absolute, relative, shortDigest, type Status } from '../format';

export function StatusBadge({ status, id }: { status: Status; id?: string }) {
  return (
    <span class={`status tone-${status.tone}`} id={id}>
      <span class="status-symbol" aria-hidden="true">
        {status.symbol}
      </span>
      {status.label}
    </span>
  );
}

export type BadgeKind = 'frozen' | 'expiry' | 'expired' | 'drift' | 'protected' | 'pinned' | 'kind' | 'neutral';

export function Badge({ kind, children, title }: { kind: BadgeKind; children: ComponentChildren; title?: string }) {
  return (
    <span class={`badge badge-${kind}`} title={title}>
      {children}
    </span>
  );
}

export function When({ iso, now }: { iso?: string; now?: number }) {
  if (!iso) {
    return null;
  }
  return (
    <time dateTime={iso} title={absolute(iso)}>
      {relative(iso, now)}
    </time>
  );
}

/** A version with its short digest; the whole digest is in the title (on hover and for readers). */
export function Version({ version, digest }: { version?: string; digest?: string }) {
  if (!version) {
    return <span class="muted">nothing deployed</span>;
  }
  return (
    <span class="version" title={digest ? `${version} — ${digest}` : version}>
      <span class="version-name">{version}</span>
      {digest && <span class="digest">{shortDigest(digest)}</span>}
    </span>
  );
}

export function ProblemMessage({ error, context }: { error?: Error; context?: string }) {
  if (!error) {
    return null;
  }
  const text = error instanceof ApiError ? error.describe() : error.message;
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <div class="problem" role="alert">
      <strong>{context ?? 'Stagecoach refused'}:</strong> {text}
      {code && code !== 'unreachable' && <span class="problem-code"> ({code})</span>}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Section({ title, children, id, actions }: { title: string; children: ComponentChildren; id?: string; actions?: ComponentChildren }) {
  const headingId = id ? `${id}-heading` : undefined;
  return (
    <section class="section" aria-labelledby={headingId} id={id}>
      <div class="section-head">
        <h2 id={headingId}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

export function KeyValues({ values, empty, mono }: { values: Record<string, string | undefined>; empty: string; mono?: boolean }) {
  const entries = Object.entries(values).filter(([, v]) => v !== undefined);
  if (entries.length === 0) {
    return <p class="muted">{empty}</p>;
  }
  return (
    <dl class={`kv${mono ? ' mono' : ''}`}>
      {entries.map(([k, v]) => (
        <div class="kv-row" key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

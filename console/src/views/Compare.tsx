import { useEffect, useState } from 'preact/hooks';
import { ApiError, enc } from '../api';
import { Loading, ProblemMessage, Section } from '../components/ui';
import { useSession } from '../context';
import { useLoad } from '../hooks';
import { href } from '../router';
import type { Environment } from '../types';

interface Row {
  what: string;
  left: string;
  right: string;
}

/** What two environments hold, side by side, from what the API says of each. */
export function compareEnvironments(l: Environment, r: Environment): Row[] {
  const rows: Row[] = [
    { what: 'Version', left: l.deployedVersion ?? '—', right: r.deployedVersion ?? '—' },
    { what: 'Digest', left: l.deployedDigest ?? '—', right: r.deployedDigest ?? '—' },
    { what: 'Tier', left: l.tier, right: r.tier },
    { what: 'Account · region', left: `${l.account} · ${l.region}`, right: `${r.account} · ${r.region}` },
  ];
  if (l.templateRevision !== undefined || r.templateRevision !== undefined) {
    rows.push({ what: 'Template revision', left: String(l.templateRevision ?? '—'), right: String(r.templateRevision ?? '—') });
  }
  const keys = [...new Set([...Object.keys(l.config), ...Object.keys(r.config)])].sort();
  for (const k of keys) rows.push({ what: `config ${k}`, left: l.config[k] ?? '—', right: r.config[k] ?? '—' });
  const secrets = [...new Set([...Object.keys(l.secrets), ...Object.keys(r.secrets)])].sort();
  for (const k of secrets) rows.push({ what: `secret ${k}`, left: l.secrets[k] ?? '—', right: r.secrets[k] ?? '—' });
  return rows;
}

export function CompareView({ app, left, right }: { app: string; left?: string; right?: string }) {
  const { api } = useSession();
  const base = `v1/apps/${enc(app)}`;
  const names = useLoad((signal) => api.all<Environment>(`${base}/environments`, undefined, signal), [app]);
  const [rows, setRows] = useState<Row[] | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const choose = (l?: string, r?: string) => {
    window.location.hash = href({ view: 'compare', app, left: l, right: r });
  };

  useEffect(() => {
    setRows(undefined);
    setError(undefined);
    if (!left || !right) return;
    const ctl = new AbortController();
    (async () => {
      try {
        // The API's own comparison when it has one; else the two environments as read.
        const answer = await api.get<{ rows?: Row[] }>(`${base}/compare?left=${enc(left)}&right=${enc(right)}`, ctl.signal).catch((e: unknown) => {
          if (e instanceof ApiError && (e.status === 404 || e.status === 405) && /no route/.test(e.detail)) return undefined;
          throw e;
        });
        if (answer?.rows) {
          setRows(answer.rows);
          return;
        }
        const [l, r] = await Promise.all([
          api.get<Environment>(`${base}/environments/${enc(left)}`, ctl.signal),
          api.get<Environment>(`${base}/environments/${enc(right)}`, ctl.signal),
        ]);
        setRows(compareEnvironments(l, r));
      } catch (e) {
        if (!ctl.signal.aborted) setError(e as Error);
      }
    })();
    return () => ctl.abort();
  }, [api, base, left, right]);

  const options = (names.value ?? []).map((e) => e.name);
  return (
    <div class="page">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href={href({ view: 'apps' })}>Apps</a> <span aria-hidden="true">/</span> <a href={href({ view: 'app', app })}>{app}</a>{' '}
        <span aria-hidden="true">/</span> <span aria-current="page">compare</span>
      </nav>
      <h1 tabIndex={-1}>Compare environments</h1>
      {names.loading && !names.value && <Loading what="environments" />}
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="left">Left</label>
          <select id="left" value={left ?? ''} onChange={(e) => choose((e.target as HTMLSelectElement).value || undefined, right)}>
            <option value="">choose…</option>
            {options.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="right">Right</label>
          <select id="right" value={right ?? ''} onChange={(e) => choose(left, (e.target as HTMLSelectElement).value || undefined)}>
            <option value="">choose…</option>
            {options.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </div>
      </form>
      <ProblemMessage error={error ?? names.error} context="Could not compare" />
      {rows && (
        <Section title={`${left} and ${right}`} id="comparison">
          <table class="table compare">
            <thead>
              <tr>
                <th scope="col">What</th>
                <th scope="col">{left}</th>
                <th scope="col">{right}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const differs = r.left !== r.right;
                return (
                  <tr key={r.what} class={differs ? 'differs' : undefined}>
                    <th scope="row">
                      {r.what}
                      {differs && <span class="badge badge-drift">differs</span>}
                    </th>
                    <td class="mono">{r.left}</td>
                    <td class="mono">{r.right}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </Section>
      )}
    </div>
  );
}

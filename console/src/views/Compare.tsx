import { useEffect, useState } from 'preact/hooks';
import { enc } from '../api';
import { Loading, ProblemMessage, Section } from '../components/ui';
import { useSession } from '../context';
import { useLoad } from '../hooks';
import { href } from '../router';
import type { Environment } from '../types';

/** One row of the API's compare (GET /v1/apps/{app}/compare). */
export interface ParityRow {
  section: string;
  key: string;
  left?: string;
  right?: string;
  same: boolean;
  expected?: boolean;
}

/** The API's compare: every row, the parity in a word and the verdict in a sentence. */
export interface Parity {
  app: string;
  left: string;
  right: string;
  parity: 'same' | 'expected' | 'differs';
  verdict: string;
  rows: ParityRow[];
}

export interface Row {
  what: string;
  left: string;
  right: string;
  /** '' when both sides agree; 'differs', or 'expected' for a config key declared per environment. */
  mark: '' | 'differs' | 'expected';
}

/** The compare's rows as the table shows them: all of them, or only those that differ. */
export function compareRows(report: Parity, onlyDifferences: boolean): Row[] {
  return report.rows
    .filter((r) => !onlyDifferences || !r.same)
    .map((r) => ({
      what: `${r.section} ${r.key}`,
      left: r.left ?? '—',
      right: r.right ?? '—',
      mark: r.same ? '' : r.expected ? 'expected' : 'differs',
    }));
}

export function CompareView({ app, left, right }: { app: string; left?: string; right?: string }) {
  const { api } = useSession();
  const base = `v1/apps/${enc(app)}`;
  const names = useLoad((signal) => api.all<Environment>(`${base}/environments`, undefined, signal), [app]);
  const [report, setReport] = useState<Parity | undefined>();
  const [onlyDifferences, setOnlyDifferences] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const choose = (l?: string, r?: string) => {
    window.location.hash = href({ view: 'compare', app, left: l, right: r });
  };

  useEffect(() => {
    setReport(undefined);
    setError(undefined);
    if (!left || !right) return;
    const ctl = new AbortController();
    api
      .get<Parity>(`${base}/compare?left=${enc(left)}&right=${enc(right)}`, ctl.signal)
      .then(setReport)
      .catch((e: unknown) => {
        if (!ctl.signal.aborted) setError(e as Error);
      });
    return () => ctl.abort();
  }, [api, base, left, right]);

  const rows = report ? compareRows(report, onlyDifferences) : undefined;
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
      {report && rows && (
        <Section title={`${left} and ${right}`} id="comparison">
          <p class={`verdict parity-${report.parity}`} role="status">
            {report.verdict}
          </p>
          <label class="field-inline">
            <input type="checkbox" checked={onlyDifferences} onChange={(e) => setOnlyDifferences((e.target as HTMLInputElement).checked)} /> Only what differs
          </label>
          <table class="table compare">
            <thead>
              <tr>
                <th scope="col">What</th>
                <th scope="col">{left}</th>
                <th scope="col">{right}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.what} class={r.mark ? 'differs' : undefined}>
                  <th scope="row">
                    {r.what}
                    {r.mark === 'differs' && <span class="badge badge-drift">differs</span>}
                    {r.mark === 'expected' && <span class="badge">differs, declared per environment</span>}
                  </th>
                  <td class="mono">{r.left}</td>
                  <td class="mono">{r.right}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}
    </div>
  );
}

import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Limiter } from '../api';
import { StageCard } from '../components/StageCard';
import { ProblemMessage } from '../components/ui';
import { VirtualList } from '../components/VirtualList';
import { useSession } from '../context';
import { drifted, environmentStatus, expiresSoon } from '../format';
import { useNow } from '../hooks';
import { loadPipeline, type AppPipeline } from '../pipeline';
import { href } from '../router';
import type { App } from '../types';

type Filter = 'all' | 'frozen' | 'failing' | 'expiring' | 'drifted';

const FILTERS: { value: Filter; label: string }[] = [
  { value: 'all', label: 'All apps' },
  { value: 'frozen', label: 'With a frozen environment' },
  { value: 'failing', label: 'With a failed deploy' },
  { value: 'expiring', label: 'With an environment expiring within a day' },
  { value: 'drifted', label: 'With a drifted environment' },
];

function matches(filter: Filter, p: AppPipeline, now: number): boolean {
  const envs = [...p.stages.map((s) => s.env).filter((e) => e !== undefined), ...p.others];
  switch (filter) {
    case 'all':
      return true;
    case 'frozen':
      return envs.some((e) => e.frozen);
    case 'failing':
      return p.stages.some((s) => s.env && environmentStatus(s.env, s.latest).tone === 'bad');
    case 'expiring':
      return envs.some((e) => expiresSoon(e, now) || e.expired);
    case 'drifted':
      return envs.some((e) => drifted(e) === true);
  }
}

const ROW_HEIGHT = 184;

export function AppsView() {
  const { api } = useSession();
  const now = useNow(30_000);
  const [apps, setApps] = useState<App[]>([]);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const [query, setQuery] = useState('');
  const [filter, setFilter] = useState<Filter>('all');
  const [pipelines, setPipelines] = useState<Map<string, AppPipeline | Error>>(new Map());
  const asked = useRef(new Set<string>());
  const limiter = useMemo(() => new Limiter(6), []);
  const ctl = useMemo(() => new AbortController(), []);
  useEffect(() => () => ctl.abort(), [ctl]);

  useEffect(() => {
    api
      .all<App>('v1/apps', (items) => setApps((a) => [...a, ...items]), ctl.signal)
      .then(() => setDone(true))
      .catch((e: unknown) => !ctl.signal.aborted && setError(e as Error));
  }, [api, ctl]);

  const ask = useCallback(
    (app: App) => {
      if (asked.current.has(app.name)) return;
      asked.current.add(app.name);
      loadPipeline(api, app, limiter, ctl.signal).then(
        (p) => setPipelines((m) => new Map(m).set(app.name, p)),
        (e: unknown) => !ctl.signal.aborted && setPipelines((m) => new Map(m).set(app.name, e as Error)),
      );
    },
    [api, limiter, ctl],
  );

  // A filter on environments needs every app's environments: read them in the background.
  useEffect(() => {
    if (filter !== 'all') apps.forEach(ask);
  }, [filter, apps, ask]);

  const q = query.trim().toLowerCase();
  const shown = apps.filter((a) => {
    const p = pipelines.get(a.name);
    const loaded = p && !(p instanceof Error) ? p : undefined;
    if (q) {
      const names = [a.name, ...(a.pipeline ?? []).map((s) => s.environment), ...(loaded?.others.map((e) => e.name) ?? [])];
      if (!names.some((n) => n.toLowerCase().includes(q))) return false;
    }
    if (filter !== 'all') {
      return loaded !== undefined && matches(filter, loaded, now);
    }
    return true;
  });
  const checked = filter === 'all' ? 0 : apps.filter((a) => pipelines.has(a.name)).length;

  const onRange = (first: number, last: number) => {
    for (let i = first; i < last; i++) if (shown[i]) ask(shown[i]);
  };

  return (
    <div class="page">
      <div class="page-head">
        <h1 tabIndex={-1}>Apps</h1>
        <p class="muted" role="status" aria-live="polite" data-testid="apps-count">
          {done ? `${apps.length} ${apps.length === 1 ? 'app' : 'apps'}` : `Loading apps… ${apps.length} so far`}
          {filter !== 'all' && checked < apps.length && ` · checked ${checked} of ${apps.length}`}
          {(q || filter !== 'all') && ` · ${shown.length} shown`}
        </p>
      </div>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="app-search">Search apps and environments</label>
          <input id="app-search" type="search" value={query} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="app-filter">Show</label>
          <select id="app-filter" value={filter} onChange={(e) => setFilter((e.target as HTMLSelectElement).value as Filter)}>
            {FILTERS.map((f) => (
              <option value={f.value} key={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </div>
      </form>
      <ProblemMessage error={error} context="Could not list the apps" />
      {done && apps.length === 0 && !error && (
        <p class="empty">No apps yet. An admin registers one with <code>stagecoach apps create</code>.</p>
      )}
      <VirtualList
        items={shown}
        rowHeight={ROW_HEIGHT}
        label="Apps and their pipelines"
        keyOf={(a) => a.name}
        onRange={onRange}
        render={(app) => <AppRow app={app} pipeline={pipelines.get(app.name)} now={now} />}
      />
    </div>
  );
}

function AppRow({ app, pipeline, now }: { app: App; pipeline?: AppPipeline | Error; now: number }) {
  const others = pipeline && !(pipeline instanceof Error) ? pipeline.others : [];
  return (
    <article class="app-row" aria-labelledby={`app-${app.name}`} data-app={app.name}>
      <div class="app-row-head">
        <h2 class="app-name" id={`app-${app.name}`}>
          <a href={href({ view: 'app', app: app.name })}>{app.name}</a>
        </h2>
        {app.description && <span class="muted app-desc">{app.description}</span>}
        {others.length > 0 && (
          <span class="muted app-others">
            + {others.length}
            {pipeline && !(pipeline instanceof Error) && pipeline.moreOthers ? '+' : ''} personal/ephemeral
          </span>
        )}
      </div>
      <ol class="pipeline-row" aria-label={`${app.name} pipeline`}>
        {pipeline instanceof Error ? (
          <li class="muted">Could not read the environments: {pipeline.message}</li>
        ) : (
          app.pipeline.map((s, i) => (
            <li key={s.environment} class="pipeline-step">
              {i > 0 && (
                <span class="arrow" aria-hidden="true">
                  →
                </span>
              )}
              {pipeline ? (
                <StageCard app={app.name} stage={pipeline.stages[i]} now={now} compact />
              ) : (
                <div class="stage stage-loading">
                  <span class="stage-name">{s.environment}</span>
                  <span class="muted">loading…</span>
                </div>
              )}
            </li>
          ))
        )}
      </ol>
    </article>
  );
}

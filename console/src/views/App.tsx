import { useEffect, useMemo, useState } from 'preact/hooks';
import { Limiter, enc } from '../api';
import { GateList } from '../components/Gates';
import { EnvironmentBadges, StageCard } from '../components/StageCard';
import { Badge, KeyValues, Loading, ProblemMessage, Section, StatusBadge, Version, When } from '../components/ui';
import { VirtualList } from '../components/VirtualList';
import { useSession } from '../context';
import { environmentStatus, promotionStatus, stageStatus } from '../format';
import { useLoad, useMedia, useNow, usePoll } from '../hooks';
import { loadStage, type StageView } from '../pipeline';
import { href } from '../router';
import type { App, Environment, Promotion, Release } from '../types';

export function AppView({ app: name }: { app: string }) {
  const { api } = useSession();
  const now = useNow(30_000);
  const base = `v1/apps/${enc(name)}`;
  const limiter = useMemo(() => new Limiter(6), []);
  const app = useLoad((signal) => api.get<App>(base, signal), [name]);

  const [stages, setStages] = useState<StageView[] | undefined>();
  useEffect(() => {
    if (!app.value) return;
    const ctl = new AbortController();
    Promise.all(
      app.value.pipeline.map((s) => loadStage(api, name, s.environment, limiter, ctl.signal).catch((): StageView => ({ name: s.environment }))),
    ).then((v) => !ctl.signal.aborted && setStages(v));
    return () => ctl.abort();
  }, [app.value, api, base, limiter]);

  const [envs, setEnvs] = useState<{ items: Environment[]; done: boolean; error?: Error }>({ items: [], done: false });
  useEffect(() => {
    const ctl = new AbortController();
    setEnvs({ items: [], done: false });
    api
      .all<Environment>(`${base}/environments`, (items) => setEnvs((e) => ({ ...e, items: [...e.items, ...items] })), ctl.signal)
      .then(() => !ctl.signal.aborted && setEnvs((e) => ({ ...e, done: true })))
      .catch((error: unknown) => !ctl.signal.aborted && setEnvs((e) => ({ ...e, done: true, error: error as Error })));
    return () => ctl.abort();
  }, [api, base]);

  const [promotions, setPromotions] = useState<Promotion[] | undefined>();
  const loadPromotions = async (signal: AbortSignal) => {
    const p = await api.page<Promotion>(`${base}/promotions`, 20, undefined, signal);
    setPromotions(p.items);
  };
  // Below the pipeline: read once the pipeline is drawn, so these reads do not delay it.
  const pipelineDrawn = stages !== undefined;
  useEffect(() => {
    if (!pipelineDrawn) return;
    const ctl = new AbortController();
    loadPromotions(ctl.signal).catch(() => setPromotions([]));
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [base, pipelineDrawn]);
  const running = (promotions ?? []).filter((p) => p.status === 'running');
  usePoll(loadPromotions, 3000, running.length > 0, [base]);

  if (app.error) {
    return (
      <div class="page">
        <h1 tabIndex={-1}>{name}</h1>
        <ProblemMessage error={app.error} context="Could not read the app" />
      </div>
    );
  }
  if (!app.value) {
    return (
      <div class="page">
        <h1 tabIndex={-1}>{name}</h1>
        <Loading what="the app" />
      </div>
    );
  }
  const a = app.value;
  const pipelineNames = new Set(a.pipeline.map((s) => s.environment));
  const personal = envs.items.filter((e) => e.kind === 'personal');
  const ephemeral = envs.items.filter((e) => e.kind === 'ephemeral');
  const other = envs.items.filter((e) => e.kind !== 'personal' && e.kind !== 'ephemeral' && !pipelineNames.has(e.name));

  return (
    <div class="page">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href={href({ view: 'apps' })}>Apps</a> <span aria-hidden="true">/</span> <span aria-current="page">{a.name}</span>
      </nav>
      <div class="page-head">
        <h1 tabIndex={-1}>{a.name}</h1>
        {a.description && <p class="muted">{a.description}</p>}
        <p>
          <a href={href({ view: 'compare', app: a.name })}>Compare two environments</a>
        </p>
      </div>

      {running.length > 0 && (
        <Section title="Promotions in flight" id="in-flight">
          <ul class="cards" data-testid="in-flight">
            {running.map((p) => (
              <li key={p.promotionId} class="card">
                <a href={href({ view: 'promotion', app: a.name, id: p.promotionId })}>
                  <strong>{p.version}</strong>
                </a>{' '}
                <StatusBadge status={promotionStatus(p)} />
                {p.stage && (
                  <span>
                    {' '}
                    at <strong>{p.stage}</strong>:{' '}
                    {stageStatus(p.stages.find((s) => s.environment === p.stage) ?? { status: 'pending' }).label.toLowerCase()}
                  </span>
                )}
                <span class="muted">
                  {' '}
                  · started <When iso={p.startedAt} now={now} /> by {p.requestedBy}
                </span>
              </li>
            ))}
          </ul>
        </Section>
      )}

      <Section title="Pipeline" id="pipeline">
        <ol class="pipeline-graph" aria-label={`${a.name} pipeline, first stage to last`}>
          {a.pipeline.map((s, i) => {
            const here = running.filter((p) => p.stage === s.environment);
            return (
              <li key={s.environment} class="pipeline-node">
                {i > 0 && (
                  <span class="arrow arrow-graph" aria-hidden="true">
                    →
                  </span>
                )}
                <div class="node-body">
                  {stages ? <StageCard app={a.name} stage={stages[i]} now={now} /> : <div class="stage stage-loading">{s.environment} <span class="muted">loading…</span></div>}
                  {here.map((p) => (
                    <p class="in-flight-marker" key={p.promotionId}>
                      <a href={href({ view: 'promotion', app: a.name, id: p.promotionId })}>
                        {p.version}: {stageStatus(p.stages.find((x) => x.environment === s.environment) ?? { status: 'pending' }).label.toLowerCase()}
                      </a>
                    </p>
                  ))}
                  <GateList stage={s} />
                </div>
              </li>
            );
          })}
        </ol>
      </Section>

      <Section title="Personal environments" id="personal">
        <EnvironmentGroup app={a.name} envs={personal} done={envs.done} now={now} empty="No personal environments." />
      </Section>
      <Section title="Ephemeral environments" id="ephemeral">
        <EnvironmentGroup app={a.name} envs={ephemeral} done={envs.done} now={now} empty="No ephemeral environments." />
      </Section>
      {other.length > 0 && (
        <Section title="Other environments" id="other-envs">
          <EnvironmentGroup app={a.name} envs={other} done={envs.done} now={now} empty="" />
        </Section>
      )}
      <ProblemMessage error={envs.error} context="Could not list the environments" />
      <p class="muted" role="status" aria-live="polite" data-testid="env-count">
        {envs.done ? `${envs.items.length} environments` : `Loading environments… ${envs.items.length} so far`}
      </p>

      <Section title="Recent promotions" id="promotions">
        <PromotionList app={a.name} promotions={promotions} now={now} />
      </Section>

      <Section title="Releases" id="releases">
        {pipelineDrawn ? <Releases app={a.name} now={now} /> : <Loading what="releases" />}
      </Section>

      <Section title="Settings" id="settings">
        <Settings app={a} />
      </Section>
    </div>
  );
}

function EnvironmentGroup({ app, envs, done, now, empty }: { app: string; envs: Environment[]; done: boolean; now: number; empty: string }) {
  const phone = useMedia('(max-width: 700px)');
  if (envs.length === 0) {
    return done ? <p class="muted">{empty}</p> : <Loading what="environments" />;
  }
  const row = (e: Environment) => (
    <div class="env-row">
      <a class="env-row-name" href={href({ view: 'environment', app, env: e.name })}>
        {e.name}
      </a>
      <span class="env-row-owner">{e.owner ? `owner ${e.owner}` : ''}</span>
      <StatusBadge status={environmentStatus(e)} />
      <Version version={e.deployedVersion} digest={e.deployedDigest} />
      <EnvironmentBadges env={e} now={now} />
    </div>
  );
  if (envs.length <= 30) {
    return (
      <ul class="env-list" aria-label={`${envs.length} environments`}>
        {envs.map((e) => (
          <li key={e.name}>{row(e)}</li>
        ))}
      </ul>
    );
  }
  return <VirtualList items={envs} rowHeight={phone ? 104 : 52} label={`${envs.length} environments`} keyOf={(e) => e.name} render={row} />;
}

function PromotionList({ app, promotions, now }: { app: string; promotions?: Promotion[]; now: number }) {
  if (!promotions) return <Loading what="promotions" />;
  if (promotions.length === 0) return <p class="muted">No promotions yet.</p>;
  return (
    <table class="table">
      <caption class="visually-hidden">The app's latest promotions, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Release</th>
          <th scope="col">Status</th>
          <th scope="col">Where</th>
          <th scope="col">Started</th>
        </tr>
      </thead>
      <tbody>
        {promotions.map((p) => (
          <tr key={p.promotionId}>
            <td>
              <a href={href({ view: 'promotion', app, id: p.promotionId })}>{p.version}</a>
            </td>
            <td>
              <StatusBadge status={promotionStatus(p)} />
            </td>
            <td>{p.stage ?? p.stages[p.stages.length - 1]?.environment}</td>
            <td>
              <When iso={p.startedAt} now={now} /> by {p.requestedBy}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Releases({ app, now }: { app: string; now: number }) {
  const { api } = useSession();
  const [items, setItems] = useState<Release[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [more, setMore] = useState(true);
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const load = (after?: string) => {
    setBusy(true);
    api
      .page<Release>(`v1/apps/${enc(app)}/releases`, 20, after)
      .then((p) => {
        setItems((i) => [...i, ...p.items]);
        setCursor(p.nextCursor);
        setMore(p.nextCursor !== undefined);
      })
      .catch((e: unknown) => setError(e as Error))
      .finally(() => setBusy(false));
  };
  useEffect(() => load(), [app]);
  return (
    <>
      <ProblemMessage error={error} context="Could not list the releases" />
      {items.length === 0 && !busy && !error && <p class="muted">No releases yet.</p>}
      {items.length > 0 && (
        <table class="table">
          <caption class="visually-hidden">Releases, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Commit</th>
              <th scope="col">Intake</th>
              <th scope="col">Registered</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.version}>
                <td>
                  <Version version={r.version} digest={r.digest} />
                  {r.templateRevision !== undefined && <Badge kind="neutral">template r{String(r.templateRevision)}</Badge>}
                </td>
                <td class="mono">{r.commit ? r.commit.slice(0, 12) : '—'}</td>
                <td>
                  {r.intake === 'checked' && <StatusBadge status={{ tone: 'ok', symbol: '✓', label: 'Checked' }} />}
                  {r.intake === 'rejected' && (
                    <span title={r.intakeReason}>
                      <StatusBadge status={{ tone: 'bad', symbol: '✕', label: 'Rejected' }} />
                    </span>
                  )}
                  {!r.intake && <span class="muted">not checked yet</span>}
                </td>
                <td>
                  <When iso={r.createdAt} now={now} /> by {r.createdBy}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {more && items.length > 0 && (
        <button type="button" class="button-quiet" disabled={busy} onClick={() => load(cursor)}>
          {busy ? 'Loading…' : 'Show older releases'}
        </button>
      )}
    </>
  );
}

function Settings({ app }: { app: App }) {
  const template = app.template;
  const templateText = template?.url
    ? template.url
    : template?.body !== undefined
      ? `inline, ${JSON.stringify(template.body).length.toLocaleString('en')} characters`
      : 'none';
  const revision = app.templateRevision ?? template?.revision;
  return (
    <div class="settings">
      <KeyValues
        values={{
          Concurrency: app.concurrency,
          'Allowed environments': app.allowedEnvironments?.length ? app.allowedEnvironments.join(', ') : 'pipeline stages only',
          Template: templateText,
          'Template revision': revision !== undefined ? String(revision) : undefined,
          Repository: app.repository
            ? `${app.repository.name}: ${(app.repository.branches ?? []).map((b) => `${b.pattern} → ${b.action}`).join(', ')}`
            : 'not mapped',
          'Ephemeral environments': app.ephemeral
            ? `live ${app.ephemeral.defaultTtlHours} h by default, at most ${app.ephemeral.maxLifetimeDays} days${app.ephemeral.renewOnDeploy ? ', renewed on deploy' : ''}`
            : undefined,
          'Created': app.createdAt ? `${new Date(app.createdAt).toLocaleString('en-GB')} by ${app.createdBy}` : undefined,
          Revision: app.revision !== undefined ? String(app.revision) : undefined,
        }}
        empty="No settings."
      />
      <p class="muted">Settings are read-only here; an admin changes them with <code>stagecoach apps update</code>.</p>
    </div>
  );
}

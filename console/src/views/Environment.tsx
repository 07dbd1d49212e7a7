import { useEffect, useState } from 'preact/hooks';
import { ApiError, enc } from '../api';
import { PlanSummaryView } from '../components/Plan';
import { EnvironmentBadges } from '../components/StageCard';
import { Badge, KeyValues, Loading, ProblemMessage, Section, StatusBadge, Version, When } from '../components/ui';
import { useSession } from '../context';
import { deploymentStatus, drifted, duration, environmentStatus, isoDuration, secretRotation } from '../format';
import { useLoad, useNow } from '../hooks';
import { href } from '../router';
import { permissions } from '../session';
import type { Deployment, Environment } from '../types';

export function EnvironmentView({ app, env: name }: { app: string; env: string }) {
  const { api, me } = useSession();
  const now = useNow(30_000);
  const path = `v1/apps/${enc(app)}/environments/${enc(name)}`;
  const env = useLoad((signal) => api.get<Environment>(path, signal), [path]);
  const [history, setHistory] = useState<{ items: Deployment[]; cursor?: string; done: boolean; error?: Error }>({ items: [], done: false });
  const [historyTick, setHistoryTick] = useState(0);
  const [notice, setNotice] = useState<string | undefined>();
  const can = permissions(me);

  const loadHistory = (cursor?: string, replace = false) =>
    api
      .page<Deployment>(`${path}/deployments`, 20, cursor)
      .then((p) => setHistory((h) => ({ items: replace ? p.items : [...h.items, ...p.items], cursor: p.nextCursor, done: true })))
      .catch((error: unknown) => setHistory((h) => ({ ...h, done: true, error: error as Error })));
  useEffect(() => {
    void loadHistory(undefined, true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path, historyTick]);

  const changed = (what: string) => {
    setNotice(what);
    env.reload();
    setHistoryTick((t) => t + 1);
  };

  if (env.error) {
    return (
      <div class="page">
        <h1 tabIndex={-1}>{name}</h1>
        <ProblemMessage error={env.error} context="Could not read the environment" />
      </div>
    );
  }
  if (!env.value) {
    return (
      <div class="page">
        <h1 tabIndex={-1}>{name}</h1>
        <Loading what="the environment" />
      </div>
    );
  }
  const e = env.value;
  const latest = history.items[0];
  const deployed = history.items.find((d) => d.id === e.deployedBy) ?? (latest?.status === 'succeeded' ? latest : undefined);
  const outputs = e.outputs ?? deployed?.outputs ?? {};
  const resources = e.resources ?? deployed?.plan?.changes.filter((c) => c.action !== 'remove').map((c) => ({ logicalId: c.logicalId, type: c.type })) ?? [];
  const drift = drifted(e);

  return (
    <div class="page">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href={href({ view: 'apps' })}>Apps</a> <span aria-hidden="true">/</span> <a href={href({ view: 'app', app })}>{app}</a>{' '}
        <span aria-hidden="true">/</span> <span aria-current="page">{e.name}</span>
      </nav>
      <div class="page-head">
        <h1 tabIndex={-1}>
          {e.name} <span class="muted h1-sub">{app}</span>
        </h1>
        <p class="env-head-line">
          <span data-testid="env-status">
            <StatusBadge status={environmentStatus(e, latest)} />
          </span>{' '}
          <Badge kind="kind">{e.kind}</Badge> <Badge kind="neutral">{e.tier}</Badge> <EnvironmentBadges env={e} now={now} showProtected hideFrozen />
        </p>
        {e.frozen && (
          <p class="frozen-note" data-testid="frozen-note">
            <span aria-hidden="true">❄ </span>Frozen by <strong>{e.frozen.by}</strong> <When iso={e.frozen.at} now={now} />: {e.frozen.reason}. Releases
            and promotions stop here until it is unfrozen.
          </p>
        )}
      </div>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <Actions env={e} path={path} can={can} deployedVersions={history.items.filter((d) => d.status === 'succeeded' && d.version).map((d) => d.version!)} onChanged={changed} />

      <Section title="Deployed" id="deployed">
        <KeyValues
          values={{
            Version: e.deployedVersion ?? 'nothing deployed yet',
            Digest: e.deployedDigest,
            When: e.deployedAt ? `${new Date(e.deployedAt).toLocaleString('en-GB')}` : undefined,
            By: deployed?.requestedBy,
            'Template revision': e.templateRevision !== undefined ? String(e.templateRevision) : deployed?.templateRevision !== undefined ? String(deployed.templateRevision) : undefined,
            Drift: drift === undefined ? undefined : drift ? 'drifted from its last deployment' : 'in sync',
            Account: `${e.account} · ${e.region}`,
            Owner: e.owner,
            Expires: e.expiresAt ? `${new Date(e.expiresAt).toLocaleString('en-GB')}` : undefined,
            Age: e.age ? isoDuration(e.age) : undefined,
            'Cost to date': e.costToDate,
          }}
          empty=""
        />
      </Section>

      <div class="two-columns">
        <Section title="Outputs" id="outputs">
          <KeyValues values={outputs} empty="No outputs." mono />
        </Section>
        <Section title="Resources" id="resources">
          {resources.length === 0 ? (
            <p class="muted">No resources recorded.</p>
          ) : (
            <ul class="plain mono">
              {resources.map((r) => (
                <li key={r.logicalId}>
                  {r.logicalId} <span class="muted">{r.type}</span>
                </li>
              ))}
            </ul>
          )}
        </Section>
        <Section title="Config" id="config">
          <KeyValues values={e.config} empty="No config." mono />
        </Section>
        <Section title="Secrets" id="secrets">
          <p class="muted small">Names and where they are kept; Stagecoach never shows a value.</p>
          <KeyValues
            values={Object.fromEntries(
              Object.entries(e.secrets).map(([key, reference]) => {
                const rotation = secretRotation(e.secretRotation?.[key]);
                return [key, rotation ? `${reference} (${rotation})` : reference];
              }),
            )}
            empty="No secrets."
            mono
          />
        </Section>
      </div>

      <Section title="History" id="history">
        <ProblemMessage error={history.error} context="Could not read the history" />
        {!history.done && <Loading what="the history" />}
        {history.done && history.items.length === 0 && <p class="muted">Nothing was ever deployed here.</p>}
        {history.items.length > 0 && (
          <table class="table" data-testid="history">
            <caption class="visually-hidden">Deployments, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Status</th>
                <th scope="col">By</th>
                <th scope="col">When</th>
                <th scope="col">Took</th>
                <th scope="col">Plan</th>
              </tr>
            </thead>
            <tbody>
              {history.items.map((d) => (
                <tr key={d.id}>
                  <td>
                    {d.action === 'destroy' ? <Badge kind="expired">destroy</Badge> : <Version version={d.version} digest={d.digest} />}
                  </td>
                  <td>
                    <StatusBadge status={deploymentStatus(d)} />
                    {d.reason && <div class="small bad-text">{d.reason}</div>}
                  </td>
                  <td>
                    {d.requestedBy} <span class="muted small">via {d.origin}</span>
                  </td>
                  <td>
                    <When iso={d.requestedAt} now={now} />
                  </td>
                  <td>{d.durationMillis !== undefined ? duration(d.durationMillis / 1000) : '—'}</td>
                  <td>{d.plan ? <PlanSummaryView plan={d.plan} /> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {history.cursor && (
          <button type="button" class="button-quiet" onClick={() => void loadHistory(history.cursor)}>
            Show older deployments
          </button>
        )}
      </Section>
    </div>
  );
}

/**
 * Only the actions the person's role allows are drawn; the API checks the role again. Each asks
 * what it needs (a reason, a version, how long) before it is sent.
 */
function Actions({
  env,
  path,
  can,
  deployedVersions,
  onChanged,
}: {
  env: Environment;
  path: string;
  can: ReturnType<typeof permissions>;
  deployedVersions: string[];
  onChanged: (what: string) => void;
}) {
  const { api } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const [reason, setReason] = useState('');
  const [version, setVersion] = useState('');
  const [by, setBy] = useState('24h');
  const [pinReason, setPinReason] = useState('');
  const ephemeral = env.kind === 'ephemeral';
  const any = can.freeze || can.rollback || (ephemeral && (can.extend || can.pin));
  if (!any) {
    return (
      <p class="muted" data-testid="read-only">
        You can read this environment; changing it needs the deployer role.
      </p>
    );
  }
  const act = async (what: string, method: 'POST' | 'PUT' | 'DELETE', sub: string, body?: unknown) => {
    setBusy(true);
    setError(undefined);
    try {
      await api.send(method, `${path}/${sub}`, body);
      onChanged(what);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const versions = [...new Set(deployedVersions)].filter((v) => v !== env.deployedVersion);
  return (
    <Section title="Actions" id="actions">
      <div class="actions">
        {can.freeze && !env.frozen && (
          <form
            class="action"
            onSubmit={(e) => {
              e.preventDefault();
              void act(`Frozen: ${reason}`, 'PUT', 'freeze', { reason }).then(() => setReason(''));
            }}
          >
            <label for="freeze-reason">Reason to freeze</label>
            <input id="freeze-reason" required maxLength={256} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
            <button type="submit" class="button-primary" disabled={busy}>
              Freeze
            </button>
          </form>
        )}
        {can.freeze && env.frozen && (
          <div class="action">
            <p>Open the environment to releases again.</p>
            <button type="button" class="button-primary" disabled={busy} onClick={() => void act('Unfrozen.', 'DELETE', 'freeze')}>
              Unfreeze
            </button>
          </div>
        )}
        {can.rollback && env.deployedVersion && (
          <form
            class="action"
            onSubmit={(e) => {
              e.preventDefault();
              void act(
                version ? `Rolling back to ${version}.` : 'Rolling back to the last good release.',
                'POST',
                'rollback',
                version ? { version } : undefined,
              );
            }}
          >
            <label for="rollback-version">Roll back to</label>
            <select id="rollback-version" value={version} onChange={(e) => setVersion((e.target as HTMLSelectElement).value)}>
              <option value="">the last good release</option>
              {versions.map((v) => (
                <option value={v} key={v}>
                  {v}
                </option>
              ))}
            </select>
            <button type="submit" class="button-danger" disabled={busy}>
              Roll back
            </button>
          </form>
        )}
        {ephemeral && can.extend && (
          <form
            class="action"
            onSubmit={(e) => {
              e.preventDefault();
              void act(`Extended by ${by}.`, 'POST', 'extend', { by });
            }}
          >
            <label for="extend-by">Extend by</label>
            <select id="extend-by" value={by} onChange={(e) => setBy((e.target as HTMLSelectElement).value)}>
              <option value="12h">12 hours</option>
              <option value="24h">24 hours</option>
              <option value="3d">3 days</option>
              <option value="7d">7 days</option>
            </select>
            <button type="submit" class="button-primary" disabled={busy}>
              Extend
            </button>
          </form>
        )}
        {ephemeral && can.pin && !env.pinned && (
          <form
            class="action"
            onSubmit={(e) => {
              e.preventDefault();
              void act('Pinned.', 'PUT', 'pin', { reason: pinReason });
            }}
          >
            <label for="pin-reason">Reason to keep it past its expiry</label>
            <input id="pin-reason" required maxLength={256} value={pinReason} onInput={(e) => setPinReason((e.target as HTMLInputElement).value)} />
            <button type="submit" class="button-quiet" disabled={busy}>
              Pin
            </button>
          </form>
        )}
        {ephemeral && can.pin && env.pinned && (
          <div class="action">
            <p>Let it expire again.</p>
            <button type="button" class="button-quiet" disabled={busy} onClick={() => void act('Unpinned.', 'DELETE', 'pin')}>
              Unpin
            </button>
          </div>
        )}
      </div>
      <ProblemMessage error={error} context={error instanceof ApiError && error.status === 403 ? 'Not allowed' : 'Stagecoach refused'} />
    </Section>
  );
}

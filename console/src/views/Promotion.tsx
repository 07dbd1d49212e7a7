import { useEffect, useRef, useState } from 'preact/hooks';
import { enc } from '../api';
import { ApprovalCard } from '../components/ApprovalCard';
import { gateLines } from '../components/Gates';
import { PlanSummaryView } from '../components/Plan';
import { Loading, ProblemMessage, Section, StatusBadge, Version, When } from '../components/ui';
import { useSession } from '../context';
import { deploymentStatus, duration, promotionStatus, stageStatus } from '../format';
import { useLoad, useNow, usePoll } from '../hooks';
import { href } from '../router';
import type { App, Approval, Deployment, Environment, PipelineStage, Promotion, PromotionStage } from '../types';

const POLL_MS = 1500;

export function PromotionView({ app, id }: { app: string; id: string }) {
  const { api } = useSession();
  const now = useNow(1000);
  const path = `v1/apps/${enc(app)}/promotions/${enc(id)}`;
  const appInfo = useLoad((signal) => api.get<App>(`v1/apps/${enc(app)}`, signal), [app]);
  const [promotion, setPromotion] = useState<Promotion | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const etag = useRef<string | undefined>(undefined);
  const [polls, setPolls] = useState({ total: 0, unchanged: 0 });
  const [announcement, setAnnouncement] = useState('');

  const refresh = async (signal?: AbortSignal) => {
    try {
      const r = await api.getIfChanged<Promotion>(path, etag.current, signal);
      etag.current = r.etag;
      setPolls((p) => ({ total: p.total + 1, unchanged: p.unchanged + (r.value ? 0 : 1) }));
      if (r.value) {
        const next = r.value;
        setPromotion((prev) => {
          if (prev) {
            const changed = next.stages.filter((s, i) => prev.stages[i]?.status !== s.status);
            if (changed.length > 0 || prev.status !== next.status) {
              setAnnouncement(
                [...changed.map((s) => `${s.environment}: ${stageStatus(s).label}`), prev.status !== next.status ? `promotion ${promotionStatus(next).label}` : '']
                  .filter(Boolean)
                  .join('; '),
              );
            }
          }
          return next;
        });
      }
      setError(undefined);
    } catch (e) {
      if (!(e instanceof DOMException)) setError(e as Error);
      throw e;
    }
  };

  useEffect(() => {
    const ctl = new AbortController();
    refresh(ctl.signal).catch(() => undefined);
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path]);
  const live = promotion?.status === 'running';
  usePoll(refresh, POLL_MS, live, [path]);

  if (!promotion) {
    return (
      <div class="page">
        <h1 tabIndex={-1}>Promotion</h1>
        {error ? <ProblemMessage error={error} context="Could not read the promotion" /> : <Loading what="the promotion" />}
      </div>
    );
  }
  const p = promotion;
  const pipeline = appInfo.value?.pipeline ?? [];
  return (
    <div class="page">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href={href({ view: 'apps' })}>Apps</a> <span aria-hidden="true">/</span> <a href={href({ view: 'app', app })}>{app}</a>{' '}
        <span aria-hidden="true">/</span> <span aria-current="page">promotion</span>
      </nav>
      <div class="page-head">
        <h1 tabIndex={-1}>
          Promotion of <Version version={p.version} digest={p.digest} />
        </h1>
        <p>
          <span data-testid="promotion-status">
            <StatusBadge status={promotionStatus(p)} />
          </span>{' '}
          <span class="muted">
            started <When iso={p.startedAt} now={now} /> by {p.requestedBy}
            {p.finishedAt && (
              <>
                , finished <When iso={p.finishedAt} now={now} />
              </>
            )}
          </span>
        </p>
        {(p.reason || p.failure) && <p class="bad-text">{p.reason ?? p.failure}</p>}
        <p class="muted live-note" data-testid="live-note">
          {live ? (
            <>
              <span class="pulse" aria-hidden="true" /> Live: checked every {POLL_MS / 1000} s ({polls.unchanged} of {polls.total} checks found nothing new)
            </>
          ) : (
            'Finished: no longer refreshed.'
          )}
        </p>
        <ProblemMessage error={error} context="Could not refresh the promotion" />
      </div>
      <p class="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
      <Section title="Stages" id="stages">
        <ol class="promotion-stages">
          {p.stages.map((s, i) => (
            <li key={s.environment} class="promotion-stage-item">
              {i > 0 && (
                <span class="arrow arrow-graph" aria-hidden="true">
                  →
                </span>
              )}
              <StageGates
                app={app}
                stage={s}
                config={pipeline.find((c) => c.environment === s.environment)}
                pending={p.pendingApprovals?.find((a) => a.approvalId === s.approvalId)}
                now={now}
                current={p.stage === s.environment && p.status === 'running'}
                onDecided={() => void refresh().catch(() => undefined)}
              />
            </li>
          ))}
        </ol>
      </Section>
    </div>
  );
}

function StageGates({
  app,
  stage,
  config,
  pending,
  now,
  current,
  onDecided,
}: {
  app: string;
  stage: PromotionStage;
  config?: PipelineStage;
  pending?: Approval;
  now: number;
  current: boolean;
  onDecided: () => void;
}) {
  const { api } = useSession();
  const status = stageStatus(stage);
  const base = `v1/apps/${enc(app)}`;
  // A decided approval and a finished deployment never change: read them once.
  const approval = useLoad(
    (signal) => (stage.approvalId && !pending ? api.get<Approval>(`v1/approvals/${enc(stage.approvalId)}`, signal) : Promise.resolve(undefined)),
    [stage.approvalId, pending === undefined],
  );
  const deployment = useLoad(
    (signal) => (stage.deploymentId ? api.get<Deployment>(`${base}/deployments/${enc(stage.deploymentId)}`, signal) : Promise.resolve(undefined)),
    [stage.deploymentId, stage.status],
  );
  const env = useLoad((signal) => api.get<Environment>(`${base}/environments/${enc(stage.environment)}`, signal), [stage.environment, stage.status]);
  const shownApproval = pending ?? approval.value;
  const d = deployment.value;
  const soakEnd =
    typeof stage.soakEndsAt === 'string'
      ? Date.parse(stage.soakEndsAt)
      : config?.soakSeconds && d?.finishedAt
        ? Date.parse(d.finishedAt) + config.soakSeconds * 1000
        : undefined;

  return (
    <article
      class={`promotion-stage tone-edge-${status.tone}${current ? ' current' : ''}`}
      aria-labelledby={`stage-${stage.environment}`}
      data-stage={stage.environment}
      data-status={stage.status}
      aria-current={current ? 'step' : undefined}
    >
      <h3 id={`stage-${stage.environment}`}>
        <a href={href({ view: 'environment', app, env: stage.environment })}>{stage.environment}</a>
      </h3>
      <StatusBadge status={status} />
      {stage.startedAt && (
        <p class="muted">
          {stage.finishedAt ? 'took ' : 'since '}
          {stage.finishedAt
            ? duration((Date.parse(stage.finishedAt) - Date.parse(stage.startedAt)) / 1000)
            : <When iso={stage.startedAt} now={now} />}
        </p>
      )}
      {stage.reason && <p class="bad-text">{stage.reason}</p>}
      <ul class="gate-states" aria-label={`${stage.environment} gates`}>
        {env.value?.frozen && (
          <li class="gate-state">
            <span class="gate-name">Freeze</span>
            <span class="bad-text">
              <span aria-hidden="true">❄ </span>frozen by {env.value.frozen.by}: {env.value.frozen.reason}
            </span>
          </li>
        )}
        {config &&
          gateLines(config).map((g) => (
            <li class="gate-state" key={g.gate}>
              <span class="gate-name">{g.gate}</span>
              <span>
                {g.text}
                {g.gate === 'Soak' && stage.status === 'soaking' && soakEnd !== undefined && (
                  <strong class="countdown"> · {duration(Math.max(0, (soakEnd - now) / 1000))} left</strong>
                )}
                {g.gate === 'Verification' && <GateOutcome stage={stage} during="verifying" />}
              </span>
            </li>
          ))}
      </ul>
      {shownApproval && <ApprovalCard approval={shownApproval} now={now} showLink={false} onDecided={onDecided} />}
      {d && (
        <div class="stage-deployment">
          <p>
            Deployment <StatusBadge status={deploymentStatus(d)} /> <When iso={d.finishedAt ?? d.requestedAt} now={now} />
          </p>
          {d.reason && <p class="bad-text">{d.reason}</p>}
          {d.plan && <PlanSummaryView plan={d.plan} />}
        </div>
      )}
    </article>
  );
}

function GateOutcome({ stage, during }: { stage: PromotionStage; during: string }) {
  if (stage.status === during) return <strong> · checking now</strong>;
  if (stage.status === 'promoted' || stage.status === 'soaking') return <span class="good-text"> · passed</span>;
  return null;
}

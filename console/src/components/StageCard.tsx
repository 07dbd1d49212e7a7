import { drifted, environmentStatus, expiresSoon } from '../format';
import type { StageView } from '../pipeline';
import { href } from '../router';
import { Badge, StatusBadge, Version, When } from './ui';

/** Badges for what stops or threatens an environment: frozen, expired or expiring, drifted, protected. */
export function EnvironmentBadges({
  env,
  now,
  showProtected,
  hideFrozen,
}: {
  env: NonNullable<StageView['env']>;
  now: number;
  showProtected?: boolean;
  hideFrozen?: boolean;
}) {
  const drift = drifted(env);
  return (
    <span class="badges">
      {env.frozen && !hideFrozen && (
        <Badge kind="frozen" title={`Frozen by ${env.frozen.by}: ${env.frozen.reason}`}>
          <span aria-hidden="true">❄ </span>Frozen
        </Badge>
      )}
      {env.expired && <Badge kind="expired">Expired</Badge>}
      {!env.expired && env.expiresAt && !env.pinned && (
        <Badge kind={expiresSoon(env, now) ? 'expiry' : 'neutral'} title={`Expires ${env.expiresAt}`}>
          <span aria-hidden="true">◷ </span>Expires <When iso={env.expiresAt} now={now} />
        </Badge>
      )}
      {env.pinned && (
        <Badge kind="pinned" title={`Pinned by ${env.pinned.by}: ${env.pinned.reason}`}>
          Pinned
        </Badge>
      )}
      {drift === true && (
        <Badge kind="drift">
          <span aria-hidden="true">≠ </span>Drifted
        </Badge>
      )}
      {showProtected && env.protected && <Badge kind="protected">Protected</Badge>}
    </span>
  );
}

export function StageCard({ app, stage, now, compact }: { app: string; stage: StageView; now: number; compact?: boolean }) {
  const env = stage.env;
  if (!env) {
    return (
      <div class="stage stage-missing">
        <span class="stage-name">{stage.name}</span>
        <span class="muted">not registered</span>
      </div>
    );
  }
  const status = environmentStatus(env, stage.latest);
  const by = stage.deployed?.requestedBy;
  return (
    <div class={`stage tone-edge-${status.tone}`} data-stage={stage.name}>
      <div class="stage-top">
        <a class="stage-name" href={href({ view: 'environment', app, env: env.name })}>
          {env.name}
        </a>
        {!compact && <span class="tier">{env.tier}</span>}
      </div>
      <StatusBadge status={status} />
      <div class="stage-version">
        <Version version={env.deployedVersion} digest={env.deployedDigest} />
      </div>
      {env.deployedAt && (
        <div class="stage-when muted">
          <When iso={env.deployedAt} now={now} />
          {by && <> by {by}</>}
        </div>
      )}
      {stage.latest && stage.latest.status === 'failed' && stage.latest.version && (
        <div class="stage-when bad-text">
          {stage.latest.version} failed <When iso={stage.latest.finishedAt ?? stage.latest.requestedAt} now={now} />
        </div>
      )}
      <EnvironmentBadges env={env} now={now} />
    </div>
  );
}

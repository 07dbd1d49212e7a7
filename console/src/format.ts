import type { Deployment, Environment, Promotion, PromotionStage, SecretRotation } from './types';

/** How a state looks: its tone (colour) and, so that colour is never the only sign, a symbol and words. */
export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'idle' | 'frozen';

export interface Status {
  tone: Tone;
  symbol: string;
  label: string;
}

const SYMBOL: Record<Tone, string> = { ok: '✓', warn: '◷', bad: '✕', info: '▶', idle: '○', frozen: '❄' };

function status(tone: Tone, label: string): Status {
  return { tone, symbol: SYMBOL[tone], label };
}

/** A promotion stage's status in words. */
export function stageStatus(stage: Pick<PromotionStage, 'status'>): Status {
  switch (stage.status) {
    case 'pending':
      return status('idle', 'Waiting');
    case 'awaiting_approval':
      return status('warn', 'Awaiting approval');
    case 'deploying':
      return status('info', 'Deploying');
    case 'verifying':
      return status('info', 'Verifying');
    case 'soaking':
      return status('info', 'Soaking');
    case 'promoted':
      return status('ok', 'Promoted');
    case 'failed':
      return status('bad', 'Failed');
    case 'rolled_back':
      return status('bad', 'Rolled back');
    default:
      return status('idle', String(stage.status));
  }
}

export function promotionStatus(p: Pick<Promotion, 'status'>): Status {
  switch (p.status) {
    case 'running':
      return status('info', 'Running');
    case 'succeeded':
      return status('ok', 'Succeeded');
    case 'failed':
      return status('bad', 'Failed');
    case 'superseded':
      return status('idle', 'Superseded');
    default:
      return status('idle', String(p.status));
  }
}

export function approvalStatus(a: { status: string }): Status {
  switch (a.status) {
    case 'pending':
      return status('warn', 'Pending');
    case 'approved':
      return status('ok', 'Approved');
    case 'rejected':
      return status('bad', 'Rejected');
    case 'expired':
      return status('bad', 'Expired');
    default:
      return status('idle', a.status.charAt(0).toUpperCase() + a.status.slice(1));
  }
}

export function deploymentStatus(d: Pick<Deployment, 'status'>): Status {
  switch (d.status) {
    case 'requested':
      return status('warn', 'Requested');
    case 'provisioning':
      return status('info', 'Provisioning');
    case 'succeeded':
      return status('ok', 'Succeeded');
    case 'failed':
      return status('bad', 'Failed');
    case 'superseded':
      return status('idle', 'Superseded');
    default:
      return status('idle', String(d.status));
  }
}

/**
 * An environment's state as a stage of the pipeline: frozen and expired first (they refuse
 * releases), then what its latest deployment is doing, then whether anything runs there.
 */
export function environmentStatus(env: Environment, latest?: Deployment | null): Status {
  if (env.frozen) {
    return status('frozen', 'Frozen');
  }
  if (env.expired) {
    return status('bad', 'Expired');
  }
  if (latest && (latest.status === 'requested' || latest.status === 'provisioning')) {
    return status('info', 'Deploying');
  }
  if (latest && latest.status === 'failed') {
    return status('bad', 'Last deploy failed');
  }
  if (env.deployedVersion) {
    return status('ok', 'Live');
  }
  return status('idle', 'Empty');
}

/** Whether an environment has drifted, whatever shape the drift field takes. */
export function drifted(env: Environment): boolean | undefined {
  const d = env.drift;
  if (d === undefined || d === null) {
    return undefined;
  }
  if (typeof d === 'string') {
    return d === 'drifted';
  }
  if (typeof d.drifted === 'boolean') {
    return d.drifted;
  }
  return d.status === 'drifted' || d.status === 'DRIFTED';
}

/** How a secret rotates, in a few words: "rotates every 30 days, next …", "rotation off", "rotation unknown: why". */
export function secretRotation(r: SecretRotation | undefined): string {
  if (!r || r.status === 'not_applicable') {
    return '';
  }
  if (r.status === 'enabled') {
    const every = r.days ? `rotates every ${r.days} days` : 'rotates';
    return r.nextRotationAt ? `${every}, next ${absolute(r.nextRotationAt)}` : every;
  }
  if (r.status === 'disabled') {
    return 'rotation off';
  }
  return `rotation unknown${r.reason ? `: ${r.reason}` : ''}`;
}

/** "sha256:0123abcd…" to its first 12 hex digits, for labels; the whole digest goes in a title. */
export function shortDigest(digest?: string): string {
  if (!digest) {
    return '';
  }
  const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
  return hex.slice(0, 12);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "3 hours ago", "in 2 days": relative to {@link now}. */
export function relative(iso: string | undefined, now: number = Date.now()): string {
  if (!iso) {
    return '';
  }
  const at = Date.parse(iso);
  if (Number.isNaN(at)) {
    return iso;
  }
  const seconds = Math.round((at - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      return RELATIVE.format(Math.round(seconds / size), unit);
    }
  }
  return iso;
}

/** A date and time a person reads, in their own time zone, to the minute. */
export function absolute(iso: string | undefined): string {
  if (!iso) {
    return '';
  }
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** A duration in seconds as "1 h 05 min", "4 min 10 s", "12 s". */
export function duration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) {
    return `${h} h ${String(m).padStart(2, '0')} min`;
  }
  if (m > 0) {
    return `${m} min ${String(sec).padStart(2, '0')} s`;
  }
  return `${sec} s`;
}

/** Whether an ephemeral environment expires within {@link withinMs} of now (or has). */
export function expiresSoon(env: Environment, now: number = Date.now(), withinMs = 24 * 3600 * 1000): boolean {
  if (!env.expiresAt || env.pinned) {
    return false;
  }
  return Date.parse(env.expiresAt) - now <= withinMs;
}

/** An ISO-8601 duration as the API writes ages ("P2DT3H4M5S", "PT48S") in words, to the minute past an hour. */
export function isoDuration(iso: string): string {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso);
  if (!m) {
    return iso;
  }
  const [days, hours, minutes, seconds] = [m[1], m[2], m[3], m[4]].map((x) => Number(x ?? 0));
  if (days > 0) {
    return `${days} d ${hours} h`;
  }
  return duration(hours * 3600 + minutes * 60 + seconds);
}

import { useState } from 'preact/hooks';
import { enc } from '../api';
import { describeMissing } from '../approvals';
import { useSession } from '../context';
import { href } from '../router';
import type { Approval } from '../types';
import { PlanSummaryView } from './Plan';
import { ProblemMessage, StatusBadge, When } from './ui';
import { approvalStatus } from '../format';

/**
 * One approval: what it asks, who has decided, what is still missing, and Approve / Reject with a
 * comment. The API applies its rules (the requester may not approve, nor someone outside the
 * approval's groups) and the page shows its answer as it words it.
 */
export function ApprovalCard({
  approval,
  now,
  onDecided,
  showLink = true,
  decide = true,
}: {
  approval: Approval;
  now: number;
  onDecided?: (a: Approval) => void;
  showLink?: boolean;
  decide?: boolean;
}) {
  const { api, approvalsChanged } = useSession();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const [result, setResult] = useState<Approval | undefined>();
  const a = result ?? approval;
  const id = `approval-${a.approvalId}`;

  const send = async (decision: 'approve' | 'reject') => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.send<Approval>('POST', `v1/approvals/${enc(a.approvalId)}`, comment ? { decision, comment } : { decision });
      if (r) {
        setResult(r);
        onDecided?.(r);
      }
      approvalsChanged();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <article class="approval card" aria-labelledby={`${id}-title`} data-approval={a.approvalId}>
      <h3 id={`${id}-title`} class="approval-title">
        {a.app} <strong>{a.version}</strong> <span aria-hidden="true">→</span>
        <span class="visually-hidden"> into </span> {a.environment}
      </h3>
      <p class="muted">
        Requested by <strong>{a.requestedBy}</strong> <When iso={a.requestedAt} now={now} />
        {a.status === 'pending' && (
          <>
            {' '}
            · expires <When iso={a.expiresAt} now={now} />
          </>
        )}
        {showLink && (
          <>
            {' '}
            · <a href={href({ view: 'promotion', app: a.app, id: a.promotionId })}>see the promotion</a>
          </>
        )}
      </p>
      <dl class="kv">
        <div class="kv-row">
          <dt>Needs</dt>
          <dd>{a.policy.groups.map((g) => `${g.min} of ${g.group}`).join(' and ')}</dd>
        </div>
        {a.status === 'pending' && (
          <div class="kv-row">
            <dt>Still missing</dt>
            <dd data-testid="missing">{describeMissing(a)}</dd>
          </div>
        )}
        {a.status !== 'pending' && (
          <div class="kv-row">
            <dt>Outcome</dt>
            <dd>
              <StatusBadge status={approvalStatus(a)} />
            </dd>
          </div>
        )}
      </dl>
      {a.plan && <PlanSummaryView plan={a.plan} />}
      {a.decisions.length > 0 && (
        <ul class="decisions" aria-label="Decisions so far">
          {a.decisions.map((d) => (
            <li key={`${d.principal}-${d.at}`}>
              <span class={d.decision === 'approve' ? 'good-text' : 'bad-text'}>
                <span aria-hidden="true">{d.decision === 'approve' ? '✓ ' : '✕ '}</span>
                {d.decision === 'approve' ? 'Approved' : 'Rejected'}
              </span>{' '}
              by <strong>{d.principal}</strong>
              {d.groups && d.groups.length > 0 && <span class="muted"> ({d.groups.join(', ')})</span>} <When iso={d.at} now={now} />
              {d.comment && <q class="comment">{d.comment}</q>}
            </li>
          ))}
        </ul>
      )}
      {decide && a.status === 'pending' && (
        <form
          class="decide"
          onSubmit={(e) => {
            e.preventDefault();
          }}
        >
          <label for={`${id}-comment`}>Comment (optional)</label>
          <textarea id={`${id}-comment`} rows={2} maxLength={500} value={comment} onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)} />
          <div class="buttons">
            <button type="button" class="button-primary" disabled={busy} onClick={() => send('approve')}>
              Approve
            </button>
            <button type="button" class="button-danger" disabled={busy} onClick={() => send('reject')}>
              Reject
            </button>
          </div>
        </form>
      )}
      <ProblemMessage error={error} context="Stagecoach refused the decision" />
      {result && (
        <p role="status" class="good-text">
          Your decision was recorded; the approval is now {result.status}.
        </p>
      )}
    </article>
  );
}

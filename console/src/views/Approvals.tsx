import { useState } from 'preact/hooks';
import { ApprovalCard } from '../components/ApprovalCard';
import { Loading, ProblemMessage, Section } from '../components/ui';
import { sortInbox } from '../approvals';
import { useSession } from '../context';
import { useLoad, useNow, usePoll } from '../hooks';
import type { Approval } from '../types';

export function ApprovalsView() {
  const { api, me } = useSession();
  const now = useNow(30_000);
  const list = useLoad((signal) => api.all<Approval>('v1/approvals?pending=true', undefined, signal), []);
  // New requests appear without a reload.
  usePoll(async () => list.reload(), 10_000, true, []);
  const [decided, setDecided] = useState<Approval[]>([]);
  const onDecided = (a: Approval) => setDecided((d) => [a, ...d.filter((x) => x.approvalId !== a.approvalId)]);
  const decidedIds = new Set(decided.map((a) => a.approvalId));
  const inbox = list.value ? sortInbox(list.value.filter((a) => !decidedIds.has(a.approvalId)), me) : undefined;
  return (
    <div class="page">
      <div class="page-head">
        <h1 tabIndex={-1}>Approvals</h1>
        <p class="muted">
          Pending approvals. Those that wait for someone of your groups ({me.groups.length ? me.groups.join(', ') : 'none'}) come first; Stagecoach
          decides whose decision counts.
        </p>
      </div>
      <ProblemMessage error={list.error} context="Could not list the approvals" />
      {!inbox && !list.error && <Loading what="approvals" />}
      {inbox && (
        <>
          <Section title={`Waiting for you (${inbox.mine.length})`} id="mine">
            {inbox.mine.length === 0 ? (
              <p class="empty">Nothing waits for you.</p>
            ) : (
              <ul class="approval-list" data-testid="waiting-for-you">
                {inbox.mine.map((a) => (
                  <li key={a.approvalId}>
                    <ApprovalCard approval={a} now={now} onDecided={onDecided} />
                  </li>
                ))}
              </ul>
            )}
          </Section>
          <Section title={`Other pending approvals (${inbox.others.length})`} id="others">
            {inbox.others.length === 0 ? (
              <p class="muted">None.</p>
            ) : (
              <ul class="approval-list" data-testid="other-approvals">
                {inbox.others.map((a) => (
                  <li key={a.approvalId}>
                    <ApprovalCard approval={a} now={now} onDecided={onDecided} />
                  </li>
                ))}
              </ul>
            )}
          </Section>
        </>
      )}
      {decided.length > 0 && (
        <Section title="Decided by you just now" id="decided">
          <p role="status" class="good-text" data-testid="decision-recorded">
            Your decision on {decided[0].app} {decided[0].version} → {decided[0].environment} was recorded: the approval is now {decided[0].status}.
          </p>
          <ul class="approval-list" data-testid="decided">
            {decided.map((a) => (
              <li key={a.approvalId}>
                <ApprovalCard approval={a} now={now} decide={false} />
              </li>
            ))}
          </ul>
        </Section>
      )}
    </div>
  );
}

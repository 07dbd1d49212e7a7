import type { Approval, Me } from './types';

/**
 * Whether an approval waits for this person: it is pending, still misses someone from one of
 * their groups, they did not request it and have not decided on it. The API decides in the end
 * (and says why it refuses); this only sorts the inbox.
 */
export function waitsFor(approval: Approval, me: Me): boolean {
  if (approval.status !== 'pending' || approval.requestedBy === me.principal) {
    return false;
  }
  if (approval.decisions.some((d) => d.principal === me.principal)) {
    return false;
  }
  const missing = approval.missing ?? approval.policy.groups.map((g) => ({ group: g.group, count: g.min }));
  return missing.some((m) => m.count > 0 && me.groups.includes(m.group));
}

/** The inbox: what waits for the person first (oldest first, as the API lists), then the rest. */
export function sortInbox(approvals: Approval[], me: Me): { mine: Approval[]; others: Approval[] } {
  const mine: Approval[] = [];
  const others: Approval[] = [];
  for (const a of approvals) {
    (waitsFor(a, me) ? mine : others).push(a);
  }
  return { mine, others };
}

/** "2 from staff, 1 from client", or what was asked for when nothing is missing any more. */
export function describeMissing(approval: Approval): string {
  const missing = approval.missing ?? [];
  if (missing.length === 0) {
    return approval.status === 'pending' ? 'nothing missing' : '';
  }
  return missing.map((m) => `${m.count} from ${m.group}`).join(', ');
}

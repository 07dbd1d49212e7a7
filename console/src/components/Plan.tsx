import type { Plan } from '../types';

function describe(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.summary === 'string') return o.summary;
    if (typeof o.text === 'string') return o.text;
    return Object.entries(o)
      .filter(([, v]) => typeof v !== 'object')
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join(', ');
  }
  return '';
}

/** A plan's summary: what changes, and the blast radius and cost where the API gives them. */
export function PlanSummaryView({ plan }: { plan: Plan }) {
  const s = plan.summary;
  const blast = describe(plan.blastRadius);
  const cost = describe(plan.cost);
  return (
    <dl class="kv plan">
      <div class="kv-row">
        <dt>Plan</dt>
        <dd>
          {s.adds} to add, {s.modifies} to change, {s.removes} to remove
          {s.replacements > 0 && <strong>, {s.replacements} replaced</strong>}
          {s.unsupported > 0 && <span class="muted">, {s.unsupported} not made here</span>}
        </dd>
      </div>
      {blast && (
        <div class="kv-row">
          <dt>Blast radius</dt>
          <dd>{blast}</dd>
        </div>
      )}
      {cost && (
        <div class="kv-row">
          <dt>Cost</dt>
          <dd>{cost}</dd>
        </div>
      )}
    </dl>
  );
}

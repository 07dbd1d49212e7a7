import { duration } from '../format';
import type { PipelineStage } from '../types';

/** A stage's gates as the app's pipeline configures them, in words. */
export function gateLines(stage: PipelineStage): { gate: string; text: string }[] {
  const out: { gate: string; text: string }[] = [];
  if (stage.approval) {
    const groups = stage.approval.groups.map((g) => `${g.min} of ${g.group}`).join(' and ');
    const timeout =
      stage.approval.timeoutMinutes !== undefined
        ? duration(stage.approval.timeoutMinutes * 60)
        : stage.approval.timeoutSeconds !== undefined
          ? duration(stage.approval.timeoutSeconds)
          : undefined;
    out.push({ gate: 'Approval', text: `${groups}${timeout ? `, within ${timeout}` : ''}` });
  }
  if (stage.window) {
    const w = stage.window;
    out.push({ gate: 'Window', text: `${w.days.join(', ')} ${w.start}–${w.end} ${w.timeZone}` });
  }
  if (stage.verification) {
    const v = stage.verification;
    out.push({ gate: 'Verification', text: `GET ${v.urlOutput}${v.path}, ${v.attempts} ${v.attempts === 1 ? 'attempt' : 'attempts'}` });
  }
  if (stage.soakSeconds) {
    out.push({ gate: 'Soak', text: duration(stage.soakSeconds) });
  }
  return out;
}

export function GateList({ stage }: { stage: PipelineStage }) {
  const lines = gateLines(stage);
  if (lines.length === 0) {
    return <p class="muted gates-none">No gates: releases go on automatically.</p>;
  }
  return (
    <dl class="gates">
      {lines.map((l) => (
        <div key={l.gate} class="gate">
          <dt>{l.gate}</dt>
          <dd>{l.text}</dd>
        </div>
      ))}
    </dl>
  );
}

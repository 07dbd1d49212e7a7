import { describe, expect, it } from 'vitest';
import { describeMissing, sortInbox, waitsFor } from './approvals';
import { drifted, duration, environmentStatus, expiresSoon, isoDuration, relative, secretRotation, shortDigest, stageStatus } from './format';
import { href, parseRoute } from './router';
import { highestRole, mayAct, permissions } from './session';
import type { Approval, Deployment, Environment, Me } from './types';
import { visibleSlice } from './virtual';
import { compareRows } from './views/Compare';

const env = (over: Partial<Environment> = {}): Environment => ({
  app: 'orders',
  name: 'prod',
  kind: 'pipeline',
  tier: 'prod',
  account: '111111111111',
  region: 'eu-west-1',
  config: {},
  secrets: {},
  protected: true,
  ...over,
});

const approval = (over: Partial<Approval> = {}): Approval => ({
  approvalId: 'a1',
  app: 'orders',
  promotionId: 'p1',
  environment: 'prod',
  version: '1.0.0',
  status: 'pending',
  requestedBy: 'rita',
  requestedAt: '2026-01-01T00:00:00Z',
  expiresAt: '2026-01-02T00:00:00Z',
  policy: { groups: [{ group: 'staff', min: 1 }, { group: 'client', min: 1 }] },
  missing: [{ group: 'client', count: 1 }],
  decisions: [{ principal: 'sam', decision: 'approve', at: '2026-01-01T01:00:00Z', groups: ['staff'] }],
  ...over,
});

const me = (principal: string, groups: string[], roles: Me['roles'] = ['viewer']): Me => ({ principal, roles, groups });

describe('the approvals inbox', () => {
  it('waits for someone of a group still missing who neither requested nor decided', () => {
    expect(waitsFor(approval(), me('cleo', ['client']))).toBe(true);
    expect(waitsFor(approval(), me('stan', ['staff']))).toBe(false); // staff no longer missing
    expect(waitsFor(approval(), me('rita', ['client']))).toBe(false); // the requester
    expect(waitsFor(approval({ decisions: [{ principal: 'cleo', decision: 'reject', at: 'x' }] }), me('cleo', ['client']))).toBe(false);
    expect(waitsFor(approval({ status: 'approved' }), me('cleo', ['client']))).toBe(false);
  });

  it('puts what waits for the person first and keeps the rest', () => {
    const inbox = sortInbox([approval({ approvalId: 'x' }), approval({ approvalId: 'y', missing: [{ group: 'ops', count: 2 }] })], me('cleo', ['client']));
    expect(inbox.mine.map((a) => a.approvalId)).toEqual(['x']);
    expect(inbox.others.map((a) => a.approvalId)).toEqual(['y']);
  });

  it('says what is missing per group', () => {
    expect(describeMissing(approval({ missing: [{ group: 'staff', count: 2 }, { group: 'client', count: 1 }] }))).toBe('2 from staff, 1 from client');
  });
});

describe('statuses are words and symbols, not only colours', () => {
  it('names every promotion stage state', () => {
    for (const s of ['pending', 'awaiting_approval', 'deploying', 'verifying', 'soaking', 'promoted', 'failed', 'rolled_back']) {
      const st = stageStatus({ status: s });
      expect(st.label.length).toBeGreaterThan(3);
      expect(st.symbol.length).toBeGreaterThan(0);
    }
    expect(stageStatus({ status: 'awaiting_approval' }).label).toBe('Awaiting approval');
  });

  it('puts frozen and expired before what the last deployment did', () => {
    const failed = { status: 'failed' } as Deployment;
    expect(environmentStatus(env({ frozen: { reason: 'r', by: 'b', at: 'a' } }), failed).label).toBe('Frozen');
    expect(environmentStatus(env({ expired: true })).label).toBe('Expired');
    expect(environmentStatus(env({ deployedVersion: '1.0.0' }), failed).label).toBe('Last deploy failed');
    expect(environmentStatus(env({ deployedVersion: '1.0.0' }), { status: 'provisioning' } as Deployment).label).toBe('Deploying');
    expect(environmentStatus(env({ deployedVersion: '1.0.0' })).tone).toBe('ok');
    expect(environmentStatus(env()).label).toBe('Empty');
  });

  it('reads drift in the shapes it may come in', () => {
    expect(drifted(env())).toBeUndefined();
    expect(drifted(env({ drift: 'drifted' }))).toBe(true);
    expect(drifted(env({ drift: { status: 'in_sync' } }))).toBe(false);
    expect(drifted(env({ drift: { drifted: true } }))).toBe(true);
  });
});

describe('formatting', () => {
  it('shortens a digest to twelve hex digits', () => {
    expect(shortDigest('sha256:0123456789abcdef0123')).toBe('0123456789ab');
    expect(shortDigest(undefined)).toBe('');
  });

  it('says times relative to now', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(relative('2026-01-01T09:00:00Z', now)).toBe('3 hours ago');
    expect(relative('2026-01-03T12:00:00Z', now)).toBe('in 2 days');
  });

  it("reads the API's ISO-8601 ages", () => {
    expect(isoDuration('PT48S')).toBe('48 s');
    expect(isoDuration('PT1H5M')).toBe('1 h 05 min');
    expect(isoDuration('P3DT4H10M')).toBe('3 d 4 h');
    expect(isoDuration('nonsense')).toBe('nonsense');
  });

  it('writes durations for people', () => {
    expect(duration(12)).toBe('12 s');
    expect(duration(250)).toBe('4 min 10 s');
    expect(duration(3900)).toBe('1 h 05 min');
  });

  it('knows an environment that expires within a day, unless pinned', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(expiresSoon(env({ expiresAt: '2026-01-01T10:00:00Z' }), now)).toBe(true);
    expect(expiresSoon(env({ expiresAt: '2026-01-05T00:00:00Z' }), now)).toBe(false);
    expect(expiresSoon(env({ expiresAt: '2026-01-01T10:00:00Z', pinned: { reason: 'r', by: 'b', at: 'a' } }), now)).toBe(false);
  });
});

describe('routes', () => {
  it('round-trips every view through the fragment', () => {
    const routes = [
      { view: 'apps' },
      { view: 'approvals' },
      { view: 'app', app: 'orders' },
      { view: 'environment', app: 'orders', env: 'prod' },
      { view: 'promotion', app: 'orders', id: 'p-1' },
      { view: 'compare', app: 'orders', left: 'dev', right: 'prod' },
    ] as const;
    for (const r of routes) {
      expect(parseRoute(href(r))).toEqual(r);
    }
    expect(parseRoute('')).toEqual({ view: 'apps' });
    expect(parseRoute('#/nowhere').view).toBe('not-found');
  });
});

describe('roles', () => {
  it('orders roles so that each includes the ones below', () => {
    expect(mayAct(me('a', [], ['admin']), 'deployer')).toBe(true);
    expect(mayAct(me('v', [], ['viewer']), 'deployer')).toBe(false);
    expect(permissions(me('v', [], ['viewer']))).toEqual({ freeze: false, rollback: false, extend: false, pin: false });
    expect(permissions(me('d', [], ['deployer']))).toEqual({ freeze: true, rollback: true, extend: true, pin: false });
    expect(highestRole(me('x', [], ['viewer', 'admin']))).toBe('admin');
  });
});

describe('the virtual list', () => {
  it('draws the rows in view and a few around them', () => {
    const s = visibleSlice(500, 100, 10_000, 800, 2);
    expect(s.first).toBe(98);
    expect(s.last).toBe(110);
    expect(s.offset).toBe(9800);
    expect(s.total).toBe(50_000);
  });

  it('clamps at both ends', () => {
    expect(visibleSlice(5, 100, -300, 800, 2)).toEqual({ first: 0, last: 5, offset: 0, total: 500 });
    expect(visibleSlice(0, 100, 0, 800)).toEqual({ first: 0, last: 0, offset: 0, total: 0 });
    const end = visibleSlice(500, 100, 1e9, 800, 2);
    expect(end.last).toBe(500);
  });
});

describe('compare', () => {
  const report = {
    app: 'orders',
    left: 'staging',
    right: 'prod',
    parity: 'differs' as const,
    verdict: 'release 1.1.0 vs 1.0.0, same template; 1 config value differs, declared per-env',
    rows: [
      { section: 'release', key: 'version', left: '1.1.0', right: '1.0.0', same: false },
      { section: 'config', key: 'LOG_LEVEL', left: 'debug', right: 'warn', same: false, expected: true },
      { section: 'secret', key: 'DB', left: 'set', same: false },
      { section: 'protection', key: 'protected', left: 'no', right: 'no', same: true },
    ],
  };
  it("shows the API's rows, marking declared config apart from other differences", () => {
    const rows = compareRows(report, false);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({ what: 'release version', left: '1.1.0', right: '1.0.0', mark: 'differs' });
    expect(rows[1].mark).toBe('expected');
    expect(rows[2]).toEqual({ what: 'secret DB', left: 'set', right: '—', mark: 'differs' });
    expect(rows[3].mark).toBe('');
  });
  it('can show only what differs', () => {
    expect(compareRows(report, true).map((r) => r.what)).toEqual(['release version', 'config LOG_LEVEL', 'secret DB']);
  });
});

describe('secretRotation', () => {
  it('says how often a secret rotates and when next, or why it is not known', () => {
    expect(secretRotation({ status: 'enabled', days: 30, nextRotationAt: '2026-12-31T03:00:00Z' })).toMatch(/^rotates every 30 days, next .*2026/);
    expect(secretRotation({ status: 'enabled' })).toBe('rotates');
    expect(secretRotation({ status: 'disabled', checkedAt: '2026-12-01T00:00:00Z' })).toBe('rotation off');
    expect(secretRotation({ status: 'unknown', reason: 'Secrets Manager has no such secret' })).toBe(
      'rotation unknown: Secrets Manager has no such secret',
    );
    expect(secretRotation({ status: 'not_applicable', reason: 'SSM parameters do not rotate' })).toBe('');
    expect(secretRotation(undefined)).toBe('');
  });
});

import type { Me, Role } from './types';

/**
 * The token lives in sessionStorage only: it is gone when the tab closes, never in a URL, a cookie
 * or localStorage.
 */
const KEY = 'stagecoach.token';

export function storedToken(): string | null {
  try {
    return window.sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string): void {
  window.sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  window.sessionStorage.removeItem(KEY);
  window.sessionStorage.removeItem(ME);
}

/**
 * Who the token belongs to, as /v1/me last said, kept beside it for the tab: a reload draws the
 * page at once and asks /v1/me again alongside (a changed or revoked token is noticed then).
 */
const ME = 'stagecoach.me';

export function storedMe(): Me | null {
  try {
    const text = window.sessionStorage.getItem(ME);
    return text ? (JSON.parse(text) as Me) : null;
  } catch {
    return null;
  }
}

export function storeMe(me: Me): void {
  window.sessionStorage.setItem(ME, JSON.stringify(me));
}

const ORDER: Role[] = ['viewer', 'deployer', 'admin'];

/** Roles are ordered: each includes the ones below it (as the API's Role does). */
export function mayAct(me: Me | null, needed: Role): boolean {
  if (!me) {
    return false;
  }
  const want = ORDER.indexOf(needed);
  return me.roles.some((r) => ORDER.indexOf(r) >= want);
}

/** What the signed-in person's role lets them do in the console; the API checks again. */
export interface Permissions {
  freeze: boolean;
  rollback: boolean;
  extend: boolean;
  pin: boolean;
}

export function permissions(me: Me | null): Permissions {
  const deployer = mayAct(me, 'deployer');
  return { freeze: deployer, rollback: deployer, extend: deployer, pin: mayAct(me, 'admin') };
}

export function highestRole(me: Me): Role {
  return [...ORDER].reverse().find((r) => me.roles.includes(r)) ?? 'viewer';
}

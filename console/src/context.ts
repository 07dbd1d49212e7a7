import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api';
import type { Me } from './types';

export interface Session {
  api: Api;
  me: Me;
  /** Tells the header that approvals may have changed (after a decision). */
  approvalsChanged: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) {
    throw new Error('useSession outside a signed-in page');
  }
  return s;
}

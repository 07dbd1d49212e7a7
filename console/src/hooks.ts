import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';

export interface Loaded<T> {
  value?: T;
  error?: ApiError | Error;
  loading: boolean;
  reload: () => void;
}

/** Loads once per change of {@link deps}; a newer load cancels the one before. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ value?: T; error?: ApiError | Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => ({ value: s.value, loading: true }));
    load(ctl.signal).then(
      (value) => !ctl.signal.aborted && setState({ value, loading: false }),
      (error: unknown) => {
        if (!ctl.signal.aborted) {
          setState({ error: error instanceof Error ? error : new Error(String(error)), loading: false });
        }
      },
    );
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

/** The current time, moved on every {@link everyMs}: for countdowns and "3 minutes ago". */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(id);
  }, [everyMs]);
  return now;
}

/**
 * Polls {@link poll} every {@link everyMs} while {@link active}; each call gets the ETag of the last
 * answer it drew, so an unchanged resource costs a 304 and no drawing. Stops when the tab is
 * hidden and resumes (at once) when it is shown again.
 */
export function usePoll(poll: (signal: AbortSignal) => Promise<void>, everyMs: number, active: boolean, deps: unknown[]): void {
  const pollRef = useRef(poll);
  pollRef.current = poll;
  useEffect(() => {
    if (!active) {
      return;
    }
    const ctl = new AbortController();
    let timer: number | undefined;
    let running = false;
    const run = async () => {
      if (running || ctl.signal.aborted) {
        return;
      }
      running = true;
      try {
        await pollRef.current(ctl.signal);
      } catch {
        // The view shows its own errors; polling goes on (the API may be redeploying).
      } finally {
        running = false;
        if (!ctl.signal.aborted && document.visibilityState === 'visible') {
          timer = window.setTimeout(run, everyMs);
        }
      }
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible') {
        window.clearTimeout(timer);
        void run();
      }
    };
    timer = window.setTimeout(run, everyMs);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      ctl.abort();
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [active, everyMs, ...deps]);
}

/** Whether a media query holds now, following changes (e.g. a phone turned sideways). */
export function useMedia(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const m = window.matchMedia(query);
    const on = () => setMatches(m.matches);
    m.addEventListener('change', on);
    return () => m.removeEventListener('change', on);
  }, [query]);
  return matches;
}

import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Api, ApiError } from './api';
import { sortInbox } from './approvals';
import { SessionContext, type Session } from './context';
import { href, parseRoute, type Route } from './router';
import { forgetToken, highestRole, storedMe, storedToken, storeMe, storeToken } from './session';
import type { Approval, Me } from './types';
import { AppsView } from './views/Apps';
import { AppView } from './views/App';
import { ApprovalsView } from './views/Approvals';
import { CompareView } from './views/Compare';
import { EnvironmentView } from './views/Environment';
import { PromotionView } from './views/Promotion';
import { SignIn } from './views/SignIn';

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return route;
}

function titleOf(route: Route): string {
  switch (route.view) {
    case 'apps':
      return 'Apps';
    case 'approvals':
      return 'Approvals';
    case 'app':
      return route.app;
    case 'environment':
      return `${route.env} · ${route.app}`;
    case 'promotion':
      return `Promotion · ${route.app}`;
    case 'compare':
      return `Compare · ${route.app}`;
    case 'not-found':
      return 'Not found';
  }
}

export function Console() {
  const route = useRoute();
  const [token, setToken] = useState<string | null>(() => storedToken());
  const [me, setMe] = useState<Me | null>(() => (storedToken() ? storedMe() : null));
  const [signInError, setSignInError] = useState<string | undefined>();
  const [checking, setChecking] = useState<boolean>(() => storedToken() !== null && storedMe() === null);
  const api = useMemo(() => Api.forPage(() => token), [token]);
  const [inbox, setInbox] = useState<number | null>(null);
  const [inboxTick, setInboxTick] = useState(0);

  const signOut = useCallback((why?: string) => {
    forgetToken();
    setToken(null);
    setMe(null);
    setSignInError(why);
  }, []);

  useEffect(() => {
    if (!token) {
      setChecking(false);
      return;
    }
    const ctl = new AbortController();
    setChecking(storedMe() === null);
    api
      .get<Me>('v1/me', ctl.signal)
      .then((m) => {
        storeMe(m);
        // The same person as before keeps the same object, so nothing redraws for nothing.
        setMe((old) => (old && JSON.stringify(old) === JSON.stringify(m) ? old : m));
        setChecking(false);
      })
      .catch((e: unknown) => {
        if (ctl.signal.aborted) return;
        setChecking(false);
        if (e instanceof ApiError && e.status === 401) {
          signOut('Stagecoach did not accept that token (it may have been revoked). Enter a valid one.');
        } else {
          signOut(e instanceof ApiError ? e.describe() : String(e));
        }
      });
    return () => ctl.abort();
  }, [token, api, signOut]);

  const shownRoute = useRef<string | null>(null);
  useEffect(() => {
    document.title = me ? `${titleOf(route)} — Stagecoach` : 'Sign in — Stagecoach';
    if (!me) return;
    // Another view than the one shown before (not the first the page opens with): focus goes to
    // its content, so keyboard and screen reader users start there, as after a page load.
    const key = href(route);
    const before = shownRoute.current;
    shownRoute.current = key;
    if (before !== null && before !== key) {
      // The main region, not the heading: a view may redraw its heading once its data is in.
      window.scrollTo(0, 0);
      document.getElementById('main')?.focus({ preventScroll: true });
    }
  }, [route, me]);

  useEffect(() => {
    if (!me) return;
    const ctl = new AbortController();
    // The badge waits a moment: the view's own reads go first.
    const timer = window.setTimeout(() => {
      api
        .all<Approval>('v1/approvals?pending=true', undefined, ctl.signal)
        .then((all) => setInbox(sortInbox(all, me).mine.length))
        .catch(() => !ctl.signal.aborted && setInbox(null));
    }, 600);
    return () => {
      window.clearTimeout(timer);
      ctl.abort();
    };
  }, [me, api, route, inboxTick]);

  const session: Session | null = useMemo(
    () => (me ? { api, me, approvalsChanged: () => setInboxTick((t) => t + 1) } : null),
    [api, me],
  );

  if (!me || !session) {
    return (
      <SignIn
        busy={checking}
        error={signInError}
        onToken={(t) => {
          storeToken(t);
          setSignInError(undefined);
          setToken(t);
        }}
      />
    );
  }

  return (
    <SessionContext.Provider value={session}>
      {/* Routes live in the fragment, so the skip link moves focus itself instead of changing it. */}
      <a
        class="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href={href({ view: 'apps' })}>
          <span class="brand-mark" aria-hidden="true">
            ▸▸
          </span>{' '}
          Stagecoach
        </a>
        <nav aria-label="Main">
          <ul class="nav">
            <li>
              <a href={href({ view: 'apps' })} aria-current={route.view === 'apps' || route.view === 'app' ? 'page' : undefined}>
                Apps
              </a>
            </li>
            <li>
              <a href={href({ view: 'approvals' })} aria-current={route.view === 'approvals' ? 'page' : undefined}>
                Approvals
                {inbox !== null && inbox > 0 && (
                  <span class="count" aria-label={`${inbox} waiting for you`}>
                    {inbox}
                  </span>
                )}
              </a>
            </li>
          </ul>
        </nav>
        <div class="who">
          <span class="who-name" data-testid="principal">
            {me.principal}
          </span>
          <span class="badge badge-neutral" data-testid="role">
            {highestRole(me)}
          </span>
          <button type="button" class="button-quiet" onClick={() => signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {viewOf(route)}
      </main>
    </SessionContext.Provider>
  );
}

function viewOf(route: Route) {
  switch (route.view) {
    case 'apps':
      return <AppsView />;
    case 'app':
      return <AppView app={route.app} key={route.app} />;
    case 'environment':
      return <EnvironmentView app={route.app} env={route.env} key={`${route.app}/${route.env}`} />;
    case 'promotion':
      return <PromotionView app={route.app} id={route.id} key={route.id} />;
    case 'approvals':
      return <ApprovalsView />;
    case 'compare':
      return <CompareView app={route.app} left={route.left} right={route.right} />;
    case 'not-found':
      return (
        <div class="page">
          <h1 tabIndex={-1}>Nothing here</h1>
          <p>
            There is no view at <code>{route.hash}</code>. <a href={href({ view: 'apps' })}>See every app</a>.
          </p>
        </div>
      );
  }
}

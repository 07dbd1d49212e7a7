/**
 * Routes live in the URL's fragment (#/apps/orders), so the page is one static file the server
 * never has to route, and nothing secret is ever in a URL.
 */
export type Route =
  | { view: 'apps' }
  | { view: 'app'; app: string }
  | { view: 'environment'; app: string; env: string }
  | { view: 'promotion'; app: string; id: string }
  | { view: 'approvals' }
  | { view: 'compare'; app: string; left?: string; right?: string }
  | { view: 'not-found'; hash: string };

export function parseRoute(hash: string): Route {
  const [pathPart, queryPart = ''] = hash.replace(/^#/, '').split('?');
  const parts = pathPart
    .split('/')
    .filter((p) => p.length > 0)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  const query = new URLSearchParams(queryPart);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'apps')) {
    return { view: 'apps' };
  }
  if (parts.length === 1 && parts[0] === 'approvals') {
    return { view: 'approvals' };
  }
  if (parts[0] === 'apps' && parts.length === 2) {
    return { view: 'app', app: parts[1] };
  }
  if (parts[0] === 'apps' && parts.length === 4 && parts[2] === 'environments') {
    return { view: 'environment', app: parts[1], env: parts[3] };
  }
  if (parts[0] === 'apps' && parts.length === 4 && parts[2] === 'promotions') {
    return { view: 'promotion', app: parts[1], id: parts[3] };
  }
  if (parts[0] === 'apps' && parts.length === 3 && parts[2] === 'compare') {
    return { view: 'compare', app: parts[1], left: query.get('left') ?? undefined, right: query.get('right') ?? undefined };
  }
  return { view: 'not-found', hash };
}

export function href(route: Route): string {
  const e = encodeURIComponent;
  switch (route.view) {
    case 'apps':
      return '#/apps';
    case 'approvals':
      return '#/approvals';
    case 'app':
      return `#/apps/${e(route.app)}`;
    case 'environment':
      return `#/apps/${e(route.app)}/environments/${e(route.env)}`;
    case 'promotion':
      return `#/apps/${e(route.app)}/promotions/${e(route.id)}`;
    case 'compare': {
      const q = new URLSearchParams();
      if (route.left) q.set('left', route.left);
      if (route.right) q.set('right', route.right);
      const qs = q.toString();
      return `#/apps/${e(route.app)}/compare${qs ? `?${qs}` : ''}`;
    }
    case 'not-found':
      return route.hash;
  }
}

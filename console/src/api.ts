import type { Page } from './types';

/** An answer of the API other than 2xx: its problem+json, or what could be made of the answer. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly errors: { field: string; message: string }[] = [],
  ) {
    super(detail || title);
  }

  /** The one line a person reads: the API's own detail, with the field errors after it. */
  describe(): string {
    const fields = this.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    const main = this.detail || this.title || `the API answered ${this.status}`;
    return fields && !main.includes(fields) ? `${main} (${fields})` : main;
  }
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export interface Conditional<T> {
  /** Empty when the API answered 304 Not Modified. */
  value?: T;
  etag?: string;
}

/**
 * The REST API as the page sees it: same origin, bearer token from the session, JSON in and out.
 * The API is at the page's parent path: /console/ is served beside /v1/ (locally at the root, on
 * AWS under the stage, /live/console/ beside /live/v1/).
 */
export class Api {
  constructor(
    private readonly base: string,
    private readonly token: () => string | null,
    private readonly fetcher: Fetch = (input, init) => fetch(input, init),
  ) {}

  static forPage(token: () => string | null): Api {
    return new Api(new URL('../', window.location.href).href, token);
  }

  url(path: string): string {
    return new URL(path.replace(/^\//, ''), this.base).href;
  }

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    const r = await this.call('GET', path, undefined, {}, signal);
    return (await r.json()) as T;
  }

  /** A GET that sends If-None-Match; a 304 answers no value, so nothing needs drawing again. */
  async getIfChanged<T>(path: string, etag: string | undefined, signal?: AbortSignal): Promise<Conditional<T>> {
    const headers: Record<string, string> = etag ? { 'If-None-Match': etag } : {};
    const r = await this.call('GET', path, undefined, headers, signal);
    const tag = r.headers.get('ETag') ?? undefined;
    if (r.status === 304) {
      return { etag: tag ?? etag };
    }
    return { value: (await r.json()) as T, etag: tag };
  }

  async send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T | undefined> {
    const r = await this.call(method, path, body, {});
    const text = await r.text();
    return text ? (JSON.parse(text) as T) : undefined;
  }

  /** One page of a listing; {@link cursor} is the previous page's nextCursor. */
  page<T>(path: string, limit: number, cursor?: string, signal?: AbortSignal): Promise<Page<T>> {
    const sep = path.includes('?') ? '&' : '?';
    const q = `limit=${limit}` + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');
    return this.get<Page<T>>(`${path}${sep}${q}`, signal);
  }

  /** Every page of a listing, one after the other, handing each page's items over as they come. */
  async all<T>(path: string, onPage?: (items: T[]) => void, signal?: AbortSignal, limit = 100): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | undefined;
    do {
      const p = await this.page<T>(path, limit, cursor, signal);
      out.push(...p.items);
      onPage?.(p.items);
      cursor = p.nextCursor;
    } while (cursor);
    return out;
  }

  private async call(
    method: string,
    path: string,
    body: unknown,
    extra: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...extra };
    const token = this.token();
    if (token) {
      headers.Authorization = `Bearer ${token}`;
    }
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    let r: Response;
    try {
      r = await this.fetcher(this.url(path), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        // The token is the only credential; no cookie goes with any request.
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') {
        throw e;
      }
      throw new ApiError(0, 'unreachable', 'Stagecoach did not answer', 'Stagecoach did not answer; is it running?');
    }
    if (r.ok || r.status === 304) {
      return r;
    }
    throw await problemOf(r);
  }
}

async function problemOf(r: Response): Promise<ApiError> {
  const text = await r.text();
  try {
    const p = JSON.parse(text) as Record<string, unknown>;
    const str = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : '');
    const errors = Array.isArray(p.errors) ? (p.errors as { field: string; message: string }[]) : [];
    return new ApiError(r.status, str('code') || `http_${r.status}`, str('title'), str('detail') || str('message'), errors);
  } catch {
    return new ApiError(r.status, `http_${r.status}`, r.statusText, `the API answered ${r.status}`);
  }
}

/** Runs at most {@link size} tasks at once, in the order they were asked for. */
export class Limiter {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly size: number) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        task()
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            this.queue.shift()?.();
          });
      };
      if (this.running < this.size) {
        start();
      } else {
        this.queue.push(start);
      }
    });
  }
}

export function enc(name: string): string {
  return encodeURIComponent(name);
}

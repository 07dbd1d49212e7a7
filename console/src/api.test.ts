import { describe, expect, it } from 'vitest';
import { Api, ApiError, Limiter } from './api';

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(answers: Response[]): { fetch: (u: string, i?: RequestInit) => Promise<Response>; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    fetch: async (url: string, init?: RequestInit) => {
      calls.push({ url, init: init ?? {} });
      const next = answers.shift();
      if (!next) throw new TypeError('no more answers');
      return next;
    },
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

describe('Api', () => {
  it('calls the API beside the console with the bearer token and no cookies', async () => {
    const f = fakeFetch([json(200, { principal: 'rita', roles: ['deployer'], groups: [] })]);
    const api = new Api('https://abc.example/live/', () => 'tok123', f.fetch);
    const me = await api.get<{ principal: string }>('v1/me');
    expect(me.principal).toBe('rita');
    expect(f.calls[0].url).toBe('https://abc.example/live/v1/me');
    const headers = f.calls[0].init.headers as Record<string, string>;
    expect(headers.Authorization).toBe('Bearer tok123');
    expect(f.calls[0].init.credentials).toBe('omit');
    expect(f.calls[0].url).not.toContain('tok123');
  });

  it('turns a problem+json answer into an ApiError with the API own words', async () => {
    const f = fakeFetch([
      new Response(
        JSON.stringify({ type: 'urn:x', title: 'The requester cannot approve', status: 403, code: 'self_approval', detail: 'rita requested this promotion and cannot approve it' }),
        { status: 403, headers: { 'Content-Type': 'application/problem+json' } },
      ),
    ]);
    const api = new Api('http://127.0.0.1:4566/', () => 't', f.fetch);
    const e = await api.send('POST', 'v1/approvals/a1', { decision: 'approve' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('self_approval');
    expect((e as ApiError).describe()).toBe('rita requested this promotion and cannot approve it');
    expect(f.calls[0].init.body).toBe('{"decision":"approve"}');
  });

  it('names each field error after the detail', async () => {
    const f = fakeFetch([
      json(400, { title: 'The request is not valid', status: 400, code: 'validation_failed', detail: 'the request is not valid', errors: [{ field: 'reason', message: 'is required' }] }),
    ]);
    const api = new Api('http://h/', () => 't', f.fetch);
    const e = (await api.send('PUT', 'v1/x', {}).catch((x: unknown) => x)) as ApiError;
    expect(e.describe()).toBe('the request is not valid (reason: is required)');
  });

  it('reads every page of a listing by its cursor', async () => {
    const f = fakeFetch([json(200, { items: [1, 2], nextCursor: 'c/2+' }), json(200, { items: [3] })]);
    const api = new Api('http://h/', () => 't', f.fetch);
    const pages: number[][] = [];
    const all = await api.all<number>('v1/apps', (p) => pages.push(p));
    expect(all).toEqual([1, 2, 3]);
    expect(pages).toEqual([[1, 2], [3]]);
    expect(f.calls[0].url).toBe('http://h/v1/apps?limit=100');
    expect(f.calls[1].url).toBe('http://h/v1/apps?limit=100&cursor=c%2F2%2B');
  });

  it('sends If-None-Match and answers no value on 304', async () => {
    const f = fakeFetch([json(200, { status: 'running' }, { ETag: '"v1"' }), new Response(null, { status: 304, headers: { ETag: '"v1"' } })]);
    const api = new Api('http://h/', () => 't', f.fetch);
    const first = await api.getIfChanged<{ status: string }>('v1/p', undefined);
    expect(first).toEqual({ value: { status: 'running' }, etag: '"v1"' });
    const second = await api.getIfChanged<{ status: string }>('v1/p', first.etag);
    expect(second.value).toBeUndefined();
    expect((f.calls[1].init.headers as Record<string, string>)['If-None-Match']).toBe('"v1"');
  });

  it('says Stagecoach did not answer when the network fails', async () => {
    const api = new Api('http://h/', () => 't', async () => {
      throw new TypeError('Failed to fetch');
    });
    const e = (await api.get('v1/me').catch((x: unknown) => x)) as ApiError;
    expect(e.code).toBe('unreachable');
  });
});

describe('Limiter', () => {
  it('never runs more than its size at once and runs every task', async () => {
    const limiter = new Limiter(2);
    let running = 0;
    let most = 0;
    const done = await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        limiter.run(async () => {
          running++;
          most = Math.max(most, running);
          await new Promise((r) => setTimeout(r, 2));
          running--;
          return i;
        }),
      ),
    );
    expect(done).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(most).toBe(2);
  });
});

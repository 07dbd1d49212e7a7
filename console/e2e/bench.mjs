// The console's load benchmark, run by io.stagecoach.bench.ConsoleBench (bench/run) against a local
// cloud it has filled: an app with 500 environments. It opens the App view in the machine's
// headless Chromium several times and reports, as Markdown lines on standard output:
//   - time to first render: navigation start until the pipeline's stages are drawn with their state;
//   - time to interactive: until all 500 environments are listed and the page is idle;
//   - next to them, the same API calls made from node (no browser), in the order the page makes them,
//     each API run right after a page run, so both meet the same load on the machine.
// The tab is a signed-in one, reloaded at the App view: its token and who it belongs to are in its
// sessionStorage, as after signing in once.
//   STAGECOACH_URL, STAGECOACH_TOKEN, STAGECOACH_APP, BENCH_RUNS
import { loadavg } from 'node:os';
import { launch } from './browser.mjs';

const BASE = process.env.STAGECOACH_URL;
const TOKEN = process.env.STAGECOACH_TOKEN;
const APP = process.env.STAGECOACH_APP ?? 'big';
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const CONSOLE = new URL('/console/', BASE).href;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => `${x.toFixed(0)} ms`;

async function get(path) {
  const r = await fetch(new URL(path, BASE), { headers: { Authorization: `Bearer ${TOKEN}`, Accept: 'application/json' } });
  if (!r.ok) throw new Error(`${path}: ${r.status}`);
  return r.json();
}

/** The page's calls, from node: what the API alone costs on the same two paths. */
async function apiOnly() {
  const t0 = performance.now();
  const app = await get(`v1/apps/${APP}`);
  await Promise.all(
    app.pipeline.map(async (s) => {
      const env = await get(`v1/apps/${APP}/environments/${s.environment}`);
      const d = await get(`v1/apps/${APP}/environments/${s.environment}/deployments?limit=1`);
      if (env.deployedBy && d.items[0]?.id !== env.deployedBy) await get(`v1/apps/${APP}/deployments/${env.deployedBy}`);
    }),
  );
  const firstRender = performance.now() - t0;
  const t1 = performance.now();
  let cursor;
  let count = 0;
  do {
    const page = await get(`v1/apps/${APP}/environments?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    count += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  const list = performance.now() - t1;
  return { firstRender, list, total: performance.now() - t0, count };
}

const me = await get('v1/me');
const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Signed in as the person would be after entering the token once in this tab.
  await context.addInitScript(
    ([token, who]) => {
      sessionStorage.setItem('stagecoach.token', token);
      sessionStorage.setItem('stagecoach.me', who);
    },
    [TOKEN, JSON.stringify(me)],
  );
  // Marks taken inside the page, on its own clock (performance.now() counts from navigation start).
  await context.addInitScript(() => {
    const marks = {};
    window.benchMarks = marks;
    const check = () => {
      if (!marks.firstRender && document.querySelectorAll('#pipeline .stage[data-stage] .status').length >= 3) {
        marks.firstRender = performance.now();
      }
      const count = document.querySelector('[data-testid="env-count"]');
      if (!marks.listed && count && /^\d+ environments$/.test(count.textContent ?? '')) {
        marks.listed = performance.now();
        marks.count = Number(count.textContent.split(' ')[0]);
      }
    };
    new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  const pageRuns = [];
  const apiRuns = [];
  const loads = [];
  for (let i = 0; i <= RUNS; i++) {
    const page = await context.newPage();
    await page.goto(`${CONSOLE}#/apps/${APP}`);
    await page.waitForFunction(() => window.benchMarks.firstRender && window.benchMarks.listed, null, { timeout: 60_000 });
    // Interactive: everything listed and the main thread free again (a task scheduled now runs).
    const marks = await page.evaluate(
      () =>
        new Promise((resolve) =>
          requestAnimationFrame(() =>
            setTimeout(() => {
              const api = performance.getEntriesByType('resource').filter((e) => e.name.includes('/v1/'));
              resolve({
                ...window.benchMarks,
                interactive: performance.now(),
                apiCalls: api.length,
                apiSpan: Math.max(...api.map((e) => e.responseEnd)) - Math.min(...api.map((e) => e.startTime)),
                firstApiCall: Math.min(...api.map((e) => e.startTime)),
                rows: document.querySelectorAll('#ephemeral .vrow').length,
              });
            }, 0),
          ),
        ),
    );
    await page.close();
    const api = await apiOnly();
    // The first round warms the JVM's code paths and the browser.
    if (i > 0) {
      pageRuns.push(marks);
      apiRuns.push(api);
      loads.push(loadavg()[0]);
    }
  }
  const fr = median(pageRuns.map((r) => r.firstRender));
  const ti = median(pageRuns.map((r) => r.interactive));
  const apiFr = median(apiRuns.map((r) => r.firstRender));
  const apiTotal = median(apiRuns.map((r) => r.total));
  const seen = pageRuns[0];
  console.log(`App view of an app with ${seen.count} environments, ${RUNS} runs after one warm-up, medians; `
    + `the page made ${seen.apiCalls} API calls and kept ${seen.rows} of the list's rows in the page (virtualised); `
    + `load average during the runs ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} on ${(await import('node:os')).cpus().length} cores.`);
  console.log('');
  console.log('| what | page (Chromium) | the same API calls from node | ratio |');
  console.log('| --- | --- | --- | --- |');
  console.log(`| first render: the pipeline drawn with each stage's state | ${ms(fr)} | ${ms(apiFr)} | ${(fr / apiFr).toFixed(2)} |`);
  console.log(`| interactive: all ${seen.count} environments listed, main thread idle | ${ms(ti)} | ${ms(apiTotal)} | ${(ti / apiTotal).toFixed(2)} |`);
  console.log(`| of which: navigation start to the page's first API call (HTML, script, first draw) | ${ms(median(pageRuns.map((r) => r.firstApiCall)))} | | |`);
  console.log(`| of which: the page's API calls, first start to last end (resource timing) | ${ms(median(pageRuns.map((r) => r.apiSpan)))} | | |`);
} finally {
  await browser.close();
}

// The web console end to end, in the machine's headless Chromium against a running local cloud.
// ConsoleEndToEndTest (cli) starts the cloud, registers people, apps and releases, and
// runs this file with node's test runner; the tests run in order and share the browser.
//   STAGECOACH_URL          the local cloud, e.g. http://127.0.0.1:4566/
//   STAGECOACH_E2E_TOKENS   {"admin","rita" (deployer, staff),"sam" (viewer, staff),"vic" (viewer)}
//   STAGECOACH_SCREENSHOTS  where each view's screenshot goes
//   STAGECOACH_CLI          the stagecoach CLI as a JSON array of command and arguments
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PHONE, api, assertAccessible, launch, personPage, screenshot, signIn } from './browser.mjs';

const BASE = process.env.STAGECOACH_URL;
const TOKENS = JSON.parse(process.env.STAGECOACH_E2E_TOKENS ?? '{}');
const CONSOLE = new URL('/console/', BASE).href;
const WAIT = { timeout: 45_000 };

let browser;
let rita;
let sam;
let vic;
let promotionId;
const pages = [];

before(async () => {
  assert.ok(BASE, 'STAGECOACH_URL names the local cloud');
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** Waits until {@link check} holds, asking every quarter of a second. */
async function until(check, what, timeoutMs = WAIT.timeout) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`never happened: ${what}`);
}

async function open(name) {
  const page = await personPage(browser, BASE);
  pages.push(page);
  return page;
}

test('signs in with a token kept for this tab only: never in a URL, a cookie or localStorage', async () => {
  rita = await open('rita');
  const response = await rita.goto(CONSOLE);
  assert.equal(response.status(), 200);
  const csp = response.headers()['content-security-policy'];
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  await rita.getByRole('heading', { name: 'Sign in' }).waitFor();
  await assertAccessible(rita, 'sign in');
  await screenshot(rita, 'sign-in');

  await rita.getByLabel('API token').fill('not-a-token');
  await rita.getByRole('button', { name: 'Sign in' }).click();
  await rita.getByRole('alert').filter({ hasText: 'did not accept that token' }).waitFor();

  await signIn(rita, CONSOLE, TOKENS.rita, 'rita');
  assert.equal(await rita.getByTestId('role').textContent(), 'deployer');
  assert.ok(!rita.url().includes(TOKENS.rita), 'the token is in no URL');
  assert.equal(await rita.evaluate(() => sessionStorage.getItem('stagecoach.token')), TOKENS.rita);
  assert.equal(await rita.evaluate(() => localStorage.length), 0);
  assert.deepEqual(await rita.context().cookies(), []);

  await rita.reload();
  await rita.getByTestId('principal').filter({ hasText: 'rita' }).waitFor();
});

test("the Apps view shows each app's pipeline as a row of stages, and search narrows it", async () => {
  await rita.goto(`${CONSOLE}#/apps`);
  const orders = rita.locator('[data-app="orders"]');
  await orders.locator('.stage .status').first().waitFor();
  assert.deepEqual(await orders.locator('.stage-name').allTextContents(), ['dev', 'staging', 'prod']);
  assert.deepEqual(await rita.locator('[data-app="payments"] .stage-name').allTextContents(), ['dev', 'prod']);
  assert.deepEqual(await orders.locator('.status').allTextContents(), ['○Empty', '○Empty', '○Empty']);
  assert.match(await orders.textContent(), /\+ 2 personal\/ephemeral/);

  await rita.getByLabel('Search apps and environments').fill('pay');
  await rita.locator('[data-app="orders"]').waitFor({ state: 'detached' });
  assert.equal(await rita.locator('[data-app]').count(), 1);
  await rita.getByLabel('Search apps and environments').fill('pr-42');
  await rita.locator('[data-app="orders"]').waitFor();
  assert.equal(await rita.locator('[data-app]').count(), 1, 'an ephemeral environment name finds its app');
  await rita.getByLabel('Search apps and environments').fill('');
  await assertAccessible(rita, 'apps');
});

test('the App view draws the pipeline left to right, with personal and ephemeral environments apart', async () => {
  await rita.goto(`${CONSOLE}#/apps/orders`);
  await rita.getByRole('heading', { level: 1, name: 'orders' }).waitFor();
  const graph = rita.locator('#pipeline');
  await graph.locator('.stage[data-stage="prod"]').waitFor();
  const xs = [];
  for (const env of ['dev', 'staging', 'prod']) {
    xs.push((await graph.locator(`.stage[data-stage="${env}"]`).boundingBox()).x);
  }
  assert.ok(xs[0] < xs[1] && xs[1] < xs[2], `stages left to right: ${xs}`);
  assert.match(await graph.textContent(), /Approval1 of staff/);
  await rita.locator('#personal').getByRole('link', { name: 'rita' }).waitFor();
  await rita.locator('#ephemeral').getByRole('link', { name: 'pr-42' }).waitFor();
  assert.doesNotMatch(await graph.textContent(), /pr-42/);
  await rita.locator('#releases').getByText('1.1.0').waitFor();
  assert.match(await rita.locator('#settings').textContent(), /Concurrency/);
  await assertAccessible(rita, 'app');
});

/** Runs the stagecoach CLI as a person would, with their token, in an empty directory; its stdout. */
function stagecoach(token, ...args) {
  const cli = JSON.parse(process.env.STAGECOACH_CLI ?? '[]');
  assert.ok(cli.length > 0, 'STAGECOACH_CLI names the CLI');
  return execFileSync(cli[0], [...cli.slice(1), ...args], {
    cwd: mkdtempSync(join(tmpdir(), 'stagecoach-cli-')),
    env: { ...process.env, STAGECOACH_ENDPOINT: BASE, STAGECOACH_TOKEN: token },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

test('a promotion started from the CLI moves on the page stage by stage, polled with If-None-Match', async () => {
  promotionId = stagecoach(TOKENS.rita, 'promote', 'orders', '1.0.0', '--quiet').trim();
  assert.match(promotionId, /^pr-/, 'promote --quiet prints the promotion id');

  await rita.goto(`${CONSOLE}#/apps/orders/promotions/${promotionId}`);
  await rita.locator('.promotion-stage[data-stage="prod"]').waitFor();
  // Every status each stage shows, in the order the page shows them.
  await rita.evaluate(() => {
    const seen = [];
    window.stagesSeen = seen;
    const record = () => {
      for (const el of document.querySelectorAll('.promotion-stage[data-stage]')) {
        const s = `${el.dataset.stage}:${el.dataset.status}`;
        if (!seen.includes(s)) seen.push(s);
      }
    };
    record();
    new MutationObserver(record).observe(document.body, { subtree: true, attributes: true, childList: true });
  });
  await rita.locator('.promotion-stage[data-stage="staging"][data-status="awaiting_approval"]').waitFor(WAIT);
  await rita.locator('.promotion-stage[data-stage="dev"][data-status="promoted"]').waitFor();
  const staging = rita.locator('.promotion-stage[data-stage="staging"]');
  await staging.getByTestId('missing').filter({ hasText: '1 from staff' }).waitFor();
  // While it waits, each check answers 304 Not Modified.
  await rita.getByTestId('live-note').filter({ hasText: /\b[1-9]\d* of \d+ checks found nothing new/ }).waitFor(WAIT);
  await assertAccessible(rita, 'promotion');
  await screenshot(rita, 'promotion-awaiting-approval');
});

test("the requester cannot approve: the inbox shows the API's own refusal", async () => {
  const page = await open('rita-inbox');
  await signIn(page, CONSOLE, TOKENS.rita, 'rita');
  await page.goto(`${CONSOLE}#/approvals`);
  const card = page.getByTestId('other-approvals').locator(`[data-approval]`).first();
  await card.waitFor(WAIT);
  assert.equal(await page.getByTestId('waiting-for-you').count(), 0, 'nothing waits for the requester');
  await card.getByRole('button', { name: 'Approve' }).click();
  const alert = card.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /\(self_approval\)/);
  await page.context().close();
});

test('a second person approves in the inbox, with a comment', async () => {
  sam = await open('sam');
  await signIn(sam, CONSOLE, TOKENS.sam, 'sam');
  await sam.getByRole('link', { name: /Approvals/ }).getByText('1').waitFor(WAIT);
  await sam.getByRole('link', { name: /Approvals/ }).click();
  const card = sam.getByTestId('waiting-for-you').locator('[data-approval]');
  await card.waitFor();
  assert.match(await card.textContent(), /orders 1\.0\.0.*staging/);
  assert.match(await card.getByTestId('missing').textContent(), /1 from staff/);
  await assertAccessible(sam, 'approvals');
  await screenshot(sam, 'approvals');
  await card.getByLabel('Comment (optional)').fill('checked the release notes');
  await card.getByRole('button', { name: 'Approve' }).click();
  await sam.getByTestId('decision-recorded').filter({ hasText: 'approved' }).waitFor();
});

test('the page that watched the promotion sees it succeed, each stage in turn', async () => {
  await rita.getByTestId('promotion-status').filter({ hasText: 'Succeeded' }).waitFor(WAIT);
  const seen = await rita.evaluate(() => window.stagesSeen);
  const at = (s) => {
    const i = seen.indexOf(s);
    assert.ok(i >= 0, `the page never showed ${s}; it showed ${seen}`);
    return i;
  };
  assert.ok(at('staging:awaiting_approval') < at('staging:promoted'), seen.join(', '));
  assert.ok(at('staging:promoted') <= at('prod:promoted'), seen.join(', '));
  assert.ok(at('prod:pending') < at('prod:promoted'), seen.join(', '));
  const staging = rita.locator('.promotion-stage[data-stage="staging"]');
  await staging.getByText('by sam').waitFor();
  assert.match(await staging.textContent(), /checked the release notes/);
  await rita.getByTestId('live-note').filter({ hasText: 'no longer refreshed' }).waitFor();
  await screenshot(rita, 'promotion');
});

test('the Apps row then shows what runs where, since when and by whom', async () => {
  await rita.goto(`${CONSOLE}#/apps`);
  const orders = rita.locator('[data-app="orders"]');
  await orders.locator('.stage[data-stage="prod"] .version-name').waitFor(WAIT);
  assert.deepEqual(await orders.locator('.version-name').allTextContents(), ['1.0.0', '1.0.0', '1.0.0']);
  assert.match(await orders.locator('.stage[data-stage="prod"]').textContent(), /by rita/);
  const title = await orders.locator('.stage[data-stage="prod"] .version').getAttribute('title');
  assert.match(title, /sha256:4f4f/, 'the whole digest is on hover');
  await screenshot(rita, 'apps');
  await rita.goto(`${CONSOLE}#/apps/orders`);
  await rita.locator('#pipeline .stage[data-stage="prod"] .version-name').waitFor(WAIT);
  await screenshot(rita, 'app');
});

test('freezing an environment from the page makes Stagecoach refuse a deploy there', async () => {
  await rita.goto(`${CONSOLE}#/apps/orders/environments/dev`);
  await rita.getByRole('heading', { level: 1, name: /dev/ }).waitFor();
  await rita.getByTestId('history').getByText('1.0.0').waitFor(WAIT);
  await rita.getByLabel('Reason to freeze').fill('release train');
  await rita.getByRole('button', { name: 'Freeze' }).click();
  await rita.getByTestId('frozen-note').filter({ hasText: 'release train' }).waitFor();
  assert.match(await rita.getByTestId('env-status').textContent(), /Frozen/);

  const refused = await api(BASE, TOKENS.rita, 'POST', '/v1/apps/orders/deployments', { environment: 'dev', version: '1.1.0' });
  assert.equal(refused.status, 409, refused.text);
  assert.equal(refused.body.code, 'frozen');
  await assertAccessible(rita, 'environment');
  await screenshot(rita, 'environment-frozen');

  await rita.getByRole('button', { name: 'Unfreeze' }).click();
  await rita.getByTestId('frozen-note').waitFor({ state: 'detached' });
  const accepted = await api(BASE, TOKENS.rita, 'POST', '/v1/apps/orders/deployments', { environment: 'dev', version: '1.1.0' });
  assert.equal(accepted.status, 202, accepted.text);
});

test('rolling back from the page puts the environment back on the release chosen', async () => {
  // The deploy of 1.1.0 the last test asked for, once it has run.
  const dev = async () => (await api(BASE, TOKENS.rita, 'GET', '/v1/apps/orders/environments/dev')).body.deployedVersion;
  await until(async () => (await dev()) === '1.1.0', 'dev runs 1.1.0');
  await rita.goto(`${CONSOLE}#/apps/orders/environments/dev`);
  await rita.reload();
  await rita.getByTestId('history').locator('tr', { hasText: '1.1.0' }).getByText('Succeeded').waitFor();
  await rita.getByLabel('Roll back to').selectOption('1.0.0');
  await rita.getByRole('button', { name: 'Roll back' }).click();
  await rita.getByRole('status').filter({ hasText: 'Rolling back to 1.0.0.' }).waitFor();
  await until(async () => (await dev()) === '1.0.0', 'dev runs 1.0.0 again');
});

test('a viewer sees no action buttons, and the API refuses the actions anyway', async () => {
  vic = await open('vic');
  await signIn(vic, CONSOLE, TOKENS.vic, 'vic');
  await vic.goto(`${CONSOLE}#/apps/orders/environments/prod`);
  await vic.getByTestId('read-only').waitFor();
  for (const name of ['Freeze', 'Unfreeze', 'Roll back', 'Extend', 'Pin']) {
    assert.equal(await vic.getByRole('button', { name, exact: true }).count(), 0, `a viewer sees no ${name}`);
  }
  await vic.goto(`${CONSOLE}#/apps/orders/environments/pr-42`);
  await vic.getByTestId('read-only').waitFor();
  assert.equal(await vic.getByRole('button', { name: 'Extend' }).count(), 0);
  const refused = await api(BASE, TOKENS.vic, 'PUT', '/v1/apps/orders/environments/prod/freeze', { reason: 'no' });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 'forbidden');

  // A deployer sees them on the same environment, and they work.
  await rita.goto(`${CONSOLE}#/apps/orders/environments/pr-42`);
  const before = (await api(BASE, TOKENS.rita, 'GET', '/v1/apps/orders/environments/pr-42')).body.expiresAt;
  await rita.getByLabel('Extend by').selectOption('12h');
  await rita.getByRole('button', { name: 'Extend' }).click();
  await rita.getByRole('status').filter({ hasText: 'Extended by 12h.' }).waitFor();
  const afterwards = (await api(BASE, TOKENS.rita, 'GET', '/v1/apps/orders/environments/pr-42')).body.expiresAt;
  assert.ok(Date.parse(afterwards) > Date.parse(before), `${before} -> ${afterwards}`);
  await rita.getByRole('button', { name: 'Freeze' }).waitFor();
  assert.equal(await rita.getByRole('button', { name: 'Pin' }).count(), 0, 'pinning is for admins');
  await assertAccessible(rita, 'ephemeral environment');
  await screenshot(rita, 'environment-ephemeral');
});

test('another origin can neither read the API in a browser, nor frame the console, nor change anything', async () => {
  const evil = createServer((req, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end(`<!doctype html><title>elsewhere</title><iframe src="${CONSOLE}"></iframe>`);
  });
  await new Promise((r) => evil.listen(0, '127.0.0.1', r));
  try {
    // localhost and 127.0.0.1 are different origins to the browser.
    const elsewhere = `http://localhost:${evil.address().port}/`;
    // Not among the pages checked for CSP violations: this one is meant to meet one.
    const page = await personPage(browser, BASE);
    await page.goto(elsewhere);
    const read = await page.evaluate(
      async ([url, token]) => {
        try {
          const r = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
          return `read ${r.status}`;
        } catch (e) {
          return `refused: ${e.name}`;
        }
      },
      [new URL('/v1/apps', BASE).href, TOKENS.rita],
    );
    assert.equal(read, 'refused: TypeError', 'no CORS: the browser does not let another origin read the API');
    const frame = page.frames().find((f) => f !== page.mainFrame());
    assert.ok(frame, 'the frame exists');
    const framed = await frame.evaluate(() => document.getElementById('app') !== null).catch(() => false);
    assert.equal(framed, false, 'frame-ancestors none: the console does not load inside another page');
    await page.context().close();

    const forged = await api(BASE, TOKENS.rita, 'PUT', '/v1/apps/orders/environments/dev/freeze', { reason: 'forged' }, { Origin: 'http://evil.example' });
    assert.equal(forged.status, 403, forged.text);
    assert.equal(forged.body.code, 'forbidden');
    const dev = await api(BASE, TOKENS.rita, 'GET', '/v1/apps/orders/environments/dev');
    assert.equal(dev.body.frozen, undefined, 'nothing changed');
  } finally {
    evil.close();
  }
});

test('keyboard only: the skip link, then Tab and Enter reach an app', async () => {
  await rita.goto(`${CONSOLE}#/apps`);
  await rita.reload();
  await rita.locator('[data-app="orders"] .stage').first().waitFor();
  await rita.keyboard.press('Tab');
  assert.equal(await rita.evaluate(() => document.activeElement?.textContent), 'Skip to content');
  await rita.keyboard.press('Enter');
  assert.equal(await rita.evaluate(() => document.activeElement?.tagName), 'MAIN');
  let reached = false;
  for (let i = 0; i < 20 && !reached; i++) {
    await rita.keyboard.press('Tab');
    reached = await rita.evaluate(() => document.activeElement?.textContent === 'orders' && document.activeElement.tagName === 'A');
  }
  assert.ok(reached, 'Tab reaches the orders link');
  await rita.keyboard.press('Enter');
  await rita.waitForURL(/#\/apps\/orders$/);
  await rita.getByRole('heading', { level: 1, name: 'orders' }).waitFor();
  assert.equal(await rita.evaluate(() => document.activeElement?.id), 'main', 'a new view puts focus on its content');
});

test('compare two environments side by side', async () => {
  await rita.goto(`${CONSOLE}#/apps/orders/compare?left=staging&right=prod`);
  const table = rita.locator('#comparison table');
  await table.waitFor(WAIT);
  assert.match(await table.textContent(), /config LOG_LEVEL.*debug.*warn/);
  // The API's verdict leads; the declared-per-environment key is told apart from other differences.
  assert.match(await rita.locator('#comparison .verdict').textContent(), /config value/);
  const before = await table.locator('tbody tr').count();
  await rita.getByLabel('Only what differs').check();
  const after = await table.locator('tbody tr').count();
  assert.ok(after < before, `only the differing rows: ${after} of ${before}`);
  assert.doesNotMatch(await table.textContent(), /dns hostname/);
  await assertAccessible(rita, 'compare');
  await screenshot(rita, 'compare');
});

test('readable at phone width: no sideways scrolling, every view accessible', async () => {
  await rita.setViewportSize(PHONE);
  for (const [name, hash, ready] of [
    ['apps-phone', '#/apps', '[data-app="orders"] .stage[data-stage="prod"] .version-name'],
    ['app-phone', '#/apps/orders', '#pipeline .stage[data-stage="prod"] .version-name'],
    ['promotion-phone', `#/apps/orders/promotions/${promotionId}`, '.promotion-stage[data-stage="prod"]'],
    ['environment-phone', '#/apps/orders/environments/prod', '[data-testid="history"]'],
  ]) {
    await rita.goto(`${CONSOLE}${hash}`);
    await rita.locator(ready).first().waitFor(WAIT);
    const overflow = await rita.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${name}: the page is ${overflow}px wider than the phone`);
    await assertAccessible(rita, name);
    await screenshot(rita, name);
  }
  await rita.setViewportSize({ width: 1280, height: 800 });
});

test('no page met a Content-Security-Policy violation or a script error', () => {
  const problems = pages.flatMap((p) => p.problems);
  assert.deepEqual(problems, []);
});

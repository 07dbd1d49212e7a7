// What the browser tests and the benchmark share: the machine's Chromium (never a downloaded one),
// signing in as a person, axe-core's check, screenshots, and the API called as a script would.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/**
 * A person's own browser context (own sessionStorage) with one page, which records every
 * Content-Security-Policy violation and script error it meets.
 */
export async function personPage(browser, base, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, baseURL: base });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) page.problems.push(`CSP: ${m.text()}`);
  });
  page.on('pageerror', (e) => page.problems.push(`script error: ${e.message}`));
  return page;
}

export async function signIn(page, consoleUrl, token, principal) {
  const response = await page.goto(consoleUrl);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('principal').filter({ hasText: principal }).waitFor();
  return response;
}

/** axe-core on the page as it is: no serious or critical violation. */
export async function assertAccessible(page, view) {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern (an injected
  // <script> would be refused, as it should be).
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${view}: axe-core found ${JSON.stringify(bad, null, 1)}`);
  return violations;
}

export async function screenshot(page, name) {
  const dir = process.env.STAGECOACH_SCREENSHOTS;
  if (dir) await page.screenshot({ path: join(dir, `${name}.png`) });
}

/** The REST API as a script calls it: {status, body}. */
export async function api(base, token, method, path, body, headers = {}) {
  const r = await fetch(new URL(path, base), {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: r.status, body: json, text, headers: r.headers };
}

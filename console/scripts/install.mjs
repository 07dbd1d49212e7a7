// `npm ci` when node_modules does not match package-lock.json (a clean clone, a changed lock), and
// nothing otherwise: the Maven build runs this on every build, and a full `npm ci` costs seconds.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const lock = readFileSync('package-lock.json');
const want = createHash('sha256').update(lock).digest('hex');
const stamp = 'node_modules/.stagecoach-lock-sha256';
if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) {
  console.log('console: node_modules matches package-lock.json');
  process.exit(0);
}
console.log('console: npm ci (node_modules does not match package-lock.json)');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit' });
if (r.status !== 0) {
  console.error(`console: npm ci failed (exit ${r.status ?? r.signal})`);
  process.exit(r.status ?? 1);
}
writeFileSync(stamp, want + '\n');

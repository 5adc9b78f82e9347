// `npm run demo` and `npm test` build only when a source is newer than the bundle: a current build
// starts the demo at once (tsc and the bundler took ~2-4 s on every launch before).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const BUNDLE = 'dist/titan-tui.mjs';
const INPUTS = ['src', 'sim', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json'];

function newest(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let latest = st.mtimeMs; // a deleted or renamed file changes its folder's time
  for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)));
  return latest;
}

let built = 0;
try {
  built = statSync(BUNDLE).mtimeMs;
} catch {
  /* never built */
}
if (built === 0 || INPUTS.some((p) => newest(p) > built)) {
  const r = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

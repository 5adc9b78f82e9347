/**
 * The bundle (scripts/bundle.mjs) builds string-width's `\p{RGI_Emoji}` regex at its first use: V8
 * takes ~30 ms to build it, which sat on the start-up's path as the module loaded. Read from the
 * built files that ship (bin/titan-tui loads them).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const DIST = join(import.meta.dirname, '..', '..', 'dist');

it("string-width's emoji regex is built at its first use, not as the bundle loads", () => {
  const chunks = readdirSync(DIST).filter((f) => f.endsWith('.mjs'));
  const builds = chunks.flatMap((f) => readFileSync(join(DIST, f), 'utf8').match(/.{0,40}RGI_Emoji.{0,20}/g) ?? []);
  // One place builds it, and only when `??=` finds it not built yet (inside the measure, not at load).
  expect(builds).toHaveLength(1);
  expect(builds[0]).toMatch(/\?\?=\s*new RegExp\("\^\\\\p\{RGI_Emoji\}\$","v"\)\)\.test\(/);
});

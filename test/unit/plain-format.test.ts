/**
 * Counts and names are formatted without ICU (src/text/plain-format.ts): the first number formatted
 * with toLocaleString cost the process ~7.5 MB of RSS, the first localeCompare ~3 MB, for good.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareNames, groupDigits } from '../../src/text/plain-format.js';
import { PROJECT_ROOT } from '../helpers/docker.js';
import { seeded } from '../helpers/seeded.js';

describe('formatting without locale data', () => {
  it('groups digits as en-US does', () => {
    const next = seeded(5);
    const samples = [0, 1, 12, 123, 999, 1000, 1001, 12_345, 999_999, 1_000_000, 123_456_789, -1, -1234, 2 ** 40];
    for (let i = 0; i < 2000; i++) samples.push(next() % 10 ** (1 + (i % 12)));
    for (const n of samples) expect(groupDigits(n), String(n)).toBe(n.toLocaleString('en-US'));
  });

  it('orders names the same everywhere', () => {
    const names = ['titan-execution', 'nats', 'titan-brain', 'postgres', 'titan-brain-2', 'redis', 'Zeta'];
    expect([...names].sort(compareNames)).toEqual(['Zeta', 'nats', 'postgres', 'redis', 'titan-brain', 'titan-brain-2', 'titan-execution']);
    expect(compareNames('a', 'a')).toBe(0);
  });

  it('the built cockpit calls no API that loads locale data (Intl.Segmenter aside: widths need it)', () => {
    const dist = join(PROJECT_ROOT, 'dist');
    const files = readdirSync(dist).filter((f) => f.endsWith('.mjs'));
    expect(files.length, 'dist/ is built (npm run build)').toBeGreaterThan(2);
    const locale = /\b(toLocale(?:String|DateString|TimeString)|localeCompare)\b|\bIntl\.(?!Segmenter\b)[A-Z]\w*/g;
    const found = files.flatMap((f) => [...readFileSync(join(dist, f), 'utf8').matchAll(locale)].map((m) => `${f}: ${m[0]}`));
    expect(found).toEqual([]);
  });
});

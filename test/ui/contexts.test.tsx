/**
 * Contexts in the cockpit: the header names the context in its colour (production inverted and
 * labelled), and a production context is named in every typed confirmation (the word stays).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { composeCockpit } from '../../src/cli/compose-cockpit.js';
import { loadConfig } from '../../src/config/load.js';
import { createRuntime } from '../../src/runtime.js';
import { App } from '../../src/screens/App.js';
import { KEY, renderInk } from '../helpers/ink-harness.js';
import { UNREACHABLE } from '../helpers/offline-runtime.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function mount(context: string) {
  const dir = mkdtempSync(join(tmpdir(), 'titan-ui-ctx-'));
  const deployment = {
    nats: { servers: [UNREACHABLE.nats] },
    docker: { host: UNREACHABLE.docker },
    brain: { url: UNREACHABLE.http },
    execution: { url: UNREACHABLE.http },
  };
  const file = join(dir, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      audit: { dir: join(dir, 'audit') },
      contexts: { 'prod-eu': { production: true, ...deployment }, lab: { color: 'yellow', ...deployment } },
    }),
  );
  const rt = createRuntime(loadConfig({ configFile: file, env: { USER: 'tester' }, context }));
  const wiring = composeCockpit(rt, { quit: () => undefined });
  const h = renderInk(<App ctx={{ rt, controller: wiring.controller }} />, { columns: 120, rows: 34 });
  cleanups.push(async () => {
    h.unmount();
    wiring.dispose();
    await rt.stop();
  });
  return h;
}

const header = (plain: string) => plain.split('\n')[0] ?? '';

describe('contexts in the cockpit', () => {
  it('production: the header shows it inverted, and the HALT prompt names the context; the word is still HALT', async () => {
    const h = mount('prod-eu');
    const plain = await h.waitForFrame((p) => header(p).includes('prod-eu'), 3000, 'the context in the header');
    expect(header(plain)).toMatch(/^TITAN prod-eu · PRODUCTION {2}titan/);
    await h.press('!');
    await h.press(KEY.enter); // no reason
    await h.waitForText('Type HALT to confirm in PRODUCTION context prod-eu, Esc to cancel:', 3000);
    await h.press(KEY.escape);
  });

  it('any other context: its name in the header, the usual prompt', async () => {
    const h = mount('lab');
    const plain = await h.waitForFrame((p) => header(p).includes('lab'), 3000, 'the context in the header');
    expect(header(plain)).toMatch(/^TITAN lab {2}titan/);
    await h.press('!');
    await h.press(KEY.enter);
    const prompt = await h.waitForText('Type HALT to confirm, Esc to cancel:', 3000);
    expect(prompt).not.toContain('PRODUCTION');
    await h.press(KEY.escape);
  });
});

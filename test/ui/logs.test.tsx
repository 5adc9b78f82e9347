/**
 * The Logs pane on the real log worker's ring: lines show, the regex filter counts and highlights,
 * scrolling pauses follow and G/End resume it, and hostile container output reaches the terminal
 * only as printable text and SGR after the real sanitizer (the worker's own pipeline).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { onlySgrEscapes, sanitizeLine } from '../../src/services/logs/sanitize.js';
import type { LogLine } from '../../src/state/types.js';
import { type MountedCockpit, mountCockpit } from '../helpers/cockpit.js';
import { KEY } from '../helpers/ink-harness.js';
import { container } from '../helpers/offline-runtime.js';

let c: MountedCockpit | undefined;
afterEach(async () => {
  await c?.cleanup();
  c = undefined;
});

const EXEC = 'titan-execution';

let nextSeq = 1;
/** What a stream batch does: lines into the worker's ring (sanitized, as the stream would), then logs.batch. */
function feed(m: MountedCockpit, texts: string[], level: LogLine['level'] = 'INFO') {
  m.rt.logPane.inject({ lines: texts.map((raw) => ({ seq: nextSeq++, stream: 'stdout', level, text: sanitizeLine(raw) })) });
  m.rt.store.emit({ type: 'logs.batch', container: EXEC, added: texts.length, dropped: 0, at: Date.now() });
}

function mountWithLogs(columns = 80, rows = 24) {
  nextSeq = 1;
  const m = mountCockpit({ columns, rows });
  const now = Date.now();
  m.rt.store.emit({ type: 'conn', target: 'docker', state: { status: 'connected', since: now } });
  m.rt.store.emit({ type: 'containers.sync', list: [container(EXEC), container('titan-brain')], at: now });
  // LogPane.attach() reports this; the lines are then put into the worker's ring like a stream would.
  m.rt.store.emit({ type: 'logs.attached', container: EXEC, at: now });
  return m;
}

const logsTitle = (plain: string) => plain.split('\n').find((l) => l.includes(`Logs ${EXEC}`)) ?? '';

describe('logs pane', () => {
  it('shows the newest lines of the attached container, following', async () => {
    c = mountWithLogs();
    feed(
      c,
      Array.from({ length: 40 }, (_, i) => `order ${i} accepted`),
    );
    const plain = await c.waitForText('order 39 accepted');
    expect(plain).not.toContain('order 0 accepted'); // older lines scrolled off the pane
    expect(logsTitle(plain)).toContain('follow');
    expect(logsTitle(plain)).toContain('40/5000');
    feed(c, ['order 40 accepted']);
    await c.waitForText('order 40 accepted');
  });

  it("says how far behind live the stream is, by the lines' own times, and stops saying it once caught up", async () => {
    c = mountWithLogs(120, 30);
    feed(c, ['order 1 accepted']);
    await c.waitForText('order 1 accepted');
    c.rt.store.emit({ type: 'logs.batch', container: EXEC, added: 0, dropped: 0, at: Date.now(), behindMs: 6200 });
    expect(logsTitle(await c.waitForText('BEHIND LIVE'))).toMatch(/BEHIND LIVE 6\.2 s at \d\d:\d\d:\d\d/);
    c.rt.store.emit({ type: 'logs.batch', container: EXEC, added: 0, dropped: 0, at: Date.now(), behindMs: 40 });
    await c.waitForFrame((plain) => !logsTitle(plain).includes('BEHIND LIVE') && logsTitle(plain) !== '');
  });

  it("'/' + regex + Enter shows the match count in the title and highlights the matches", async () => {
    c = mountWithLogs();
    feed(c, ['tick ok', 'ERROR risk limit', 'tick ok', 'error: nats slow', 'tick ok']);
    await c.waitForText('error: nats slow');
    await c.press('/');
    await c.waitForText('filter /▌');
    await c.type('err');
    await c.waitForText('filter /err▌');
    await c.press(KEY.enter);
    const plain = await c.waitForText('/err/ 2 matches');
    expect(plain).not.toContain('tick ok'); // only matching lines are shown
    const raw = c.lastFrame();
    expect(raw).toContain('\x1b[7mERR\x1b[27m');
    expect(raw).toContain('\x1b[7merr\x1b[27m');
    // '/' edits the current filter; an invalid regex is refused with the reason and changes nothing.
    await c.press('/');
    await c.waitForText('filter /err▌');
    await c.press('(');
    await c.press(KEY.enter);
    await c.waitForText('filter /err(▌  invalid filter: missing closing )');
    expect(logsTitle(c.text())).toContain('/err/ 2 matches');
    await c.press(KEY.backspace);
    await c.waitForText('filter /err▌  (Enter applies');
    // Esc clears the filter.
    await c.press(KEY.escape);
    await c.waitForFrame((p) => p.includes('tick ok') && !p.includes('matches'), 3000, 'the unfiltered view');
  });

  it("n/N jump with the pane's own predicate on the pane's own text (colour codes are not text)", async () => {
    c = mountWithLogs();
    feed(c, ['tick 1', '\x1b[31mred\x1b[0m alert one', 'tick 2', 'tick 3', '\x1b[31mred\x1b[0m alert two', 'tick 4']);
    await c.waitForText('tick 4');
    await c.press('/');
    await c.type('red alert');
    await c.press(KEY.enter);
    await c.waitForText('/red alert/ 2 matches');
    await c.press(KEY.tab);
    await c.waitForFrame(() => c!.controller.ui.getState().focus === 'logs', 3000, 'logs focus');
    const seqOf = (text: string) => c!.rt.logPane.window?.lines.find((l) => l.text.includes(text))?.seq;
    // From the end, N goes back to the newest match, then the older one; n comes forward again.
    await c.press('N');
    await c.waitForFrame(() => c!.controller.ui.getState().logView.matchSeq === seqOf('alert two'), 3000, 'the newest match');
    await c.press('N');
    await c.waitForFrame(() => c!.controller.ui.getState().logView.matchSeq === seqOf('alert one'), 3000, 'the older match');
    await c.press('n');
    await c.waitForFrame(() => c!.controller.ui.getState().logView.matchSeq === seqOf('alert two'), 3000, 'forward again');
  });

  it('a catastrophic pattern does not freeze the pane: (x+x+)+y on lines of x', async () => {
    c = mountWithLogs();
    feed(
      c,
      Array.from({ length: 200 }, (_, i) => `${'x'.repeat(54)} ${i}`),
    );
    await c.waitForText('200/5000');
    await c.press('/');
    const started = Date.now();
    await c.type('(x+x+)+y');
    await c.press(KEY.enter);
    await c.waitForText('/(x+x+)+y/ 0 matches');
    expect(Date.now() - started).toBeLessThan(5000);
    await c.press('!');
    await c.waitForText('EMERGENCY FULL STOP');
  });

  it('a new filter on a full ring of long lines is done in slices: the count says so, and ! is read in between', async () => {
    c = mountWithLogs();
    const long = 'x'.repeat(4000);
    c.rt.logPane.inject({
      lines: Array.from({ length: 5000 }, (_, i) => ({ seq: i + 1, stream: 'stdout' as const, level: '' as const, text: long })),
    });
    c.rt.store.emit({ type: 'logs.batch', container: EXEC, added: 5000, dropped: 0, at: Date.now() });
    await c.waitForText('5000/5000');
    await c.press('/');
    await c.type('(x+x+)+y');
    await c.press(KEY.enter);
    // ~0.4 s of RE2 work in all (bench/log-filter.ts), in 30 ms slices: the first frames count.
    await c.waitForText('counting…', 3000);
    await c.press('!');
    await c.waitForText('EMERGENCY FULL STOP', 3000);
    await c.press(KEY.escape);
    await c.waitForText('/(x+x+)+y/ 0 matches', 10_000);
  }, 30_000);

  it('scrolling up pauses follow (PAUSED in the title); G and End resume it', async () => {
    c = mountWithLogs();
    feed(
      c,
      Array.from({ length: 30 }, (_, i) => `line ${i}`),
    );
    await c.waitForText('line 29');
    await c.press(KEY.tab); // focus the logs pane
    await c.waitForFrame((p) => c!.controller.ui.getState().focus === 'logs' && p.includes('line 29'), 3000, 'logs focus');
    await c.press(KEY.up);
    // The title changes with the key's frame; the lines come from the log worker a moment later.
    let plain = await c.waitForFrame((p) => p.includes('PAUSED') && !p.includes('line 29'), 3000, 'paused one line up');
    expect(plain).toContain('line 28');
    // New lines do not move a paused view.
    feed(c, ['line 30']);
    plain = await c.waitForText('31/5000');
    expect(plain).not.toContain('line 30');
    await c.press('G');
    plain = await c.waitForFrame((p) => logsTitle(p).includes('follow') && p.includes('line 30'), 3000, 'following again');
    await c.press('k');
    await c.waitForText('PAUSED');
    await c.press(KEY.end);
    await c.waitForFrame((p) => logsTitle(p).includes('follow'), 3000, 'End resumes follow');
    feed(c, ['line 31']);
    await c.waitForText('line 31');
  });

  it('hostile bytes go through the real sanitizer: nothing but SGR reaches the terminal', async () => {
    c = mountWithLogs(120, 30);
    const hostile = [
      'title \x1b]0;pwned\x07 set',
      'clear \x1b[2J\x1b[H home',
      'clip \x1b]52;c;ZXZpbA==\x07 board',
      'link \x1b]8;;http://evil\x1b\\here\x1b]8;;\x1b\\',
      'c1 \x9b31m csi \x9d8;;x\x9c osc',
      'alt \x1b[?1049h screen, bell \x07, bs \x08\x08, cr \r end',
      '\x1b[31mred\x1b[0m kept',
    ];
    // The raw lines would inject escapes: the test fails if they reach the pane unsanitized.
    expect(hostile.some((l) => !onlySgrEscapes(l))).toBe(true);
    // As a container writes them: raw bytes through the worker's own pipeline (split, sanitize, parse).
    c.rt.logPane.inject({ bytes: Buffer.from(`${hostile.join('\n')}\n`) });
    c.rt.store.emit({ type: 'logs.batch', container: EXEC, added: hostile.length, dropped: 0, at: Date.now() });
    const plain = await c.waitForText('red kept');
    for (const w of ['title', 'clear', 'home', 'clip', 'board', 'here', 'csi', 'osc', 'screen', 'end']) expect(plain).toContain(w);
    expect(plain).not.toContain('pwned');
    expect(plain).not.toContain('ZXZpbA');
    const raw = c.lastFrame();
    // Frame lines are joined by '\n', itself a control: check each line.
    for (const line of raw.split('\n')) expect(onlySgrEscapes(line), JSON.stringify(line)).toBe(true);
    expect(raw).toContain('\x1b[31mred'); // SGR colour survives

    // Control: Ink drops most controls itself but passes an OSC 8 hyperlink (and turns C1 CSI/OSC
    // into 7-bit ones), so without the sanitizer this very check fails.
    c.rt.logPane.inject({
      lines: [{ seq: 1000, stream: 'stdout', level: '', text: 'unsanitized \x1b]8;;http://evil\x1b\\here\x1b]8;;\x1b\\ line' }],
    });
    c.rt.store.emit({ type: 'logs.batch', container: EXEC, added: 1, dropped: 0, at: Date.now() });
    await c.waitForText('unsanitized');
    expect(
      c
        .lastFrame()
        .split('\n')
        .every((l) => onlySgrEscapes(l)),
    ).toBe(false);
  });
});

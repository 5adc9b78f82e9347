/**
 * The log pane cuts plain ASCII lines to their columns itself (fitColumns), so Ink does not cut them
 * again at every frame. What shows must be what Ink's own truncation showed: both are rendered by
 * Ink, side by side, for lines shorter than, as long as and longer than the row, at several widths.
 */
import chalk from 'chalk';
import cliTruncate from 'cli-truncate';
import { Box, Text } from 'ink';
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitColumns, logRowLines } from '../../src/components/log-row.js';
import { theme } from '../../src/components/theme.js';
import type { WireLine } from '../../src/services/logs/protocol.js';
import { seeded } from '../helpers/seeded.js';

function draw(node: ReactElement): string {
  const r = render(node);
  const out = r.lastFrame() ?? '';
  r.unmount();
  return out;
}

function frame(width: number, prefix: string, text: string): string {
  return draw(
    <Box width={width}>
      <Text wrap="truncate" color="red">
        <Text color="gray">{prefix}</Text>
        {text}
      </Text>
    </Box>,
  );
}

// Colours on, so the frames compare styles too (Ink and the pane share this chalk).
let level: typeof chalk.level;
beforeAll(() => {
  level = chalk.level;
  chalk.level = 3;
});
afterAll(() => {
  chalk.level = level;
});

describe('fitColumns cuts a log line as Ink would', () => {
  const texts = [
    '',
    'short',
    '{"level":"ERROR","msg":"order rejected","id":12345,"reason":"risk limit exceeded on BTC-USD"}',
    'x'.repeat(40),
    'ends with spaces      ',
    'tab\tinside and é accent and 漢字 wide', // a control character: left to Ink
    '📈 order filled BTC-USD 0.5 @ 97,000 ✅ done, position open 🟢',
    '漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字',
    'keycap #\uFE0F\u20E3 run 🏃\u200d♀\uFE0F warn ⚠\uFE0F flags 🇩🇪🇫🇷 e\u0301 क्षत्रिय end',
    '\x1b[31mcoloured\x1b[0m by the container and long enough to be cut at any width here',
  ];
  for (const width of [8, 20, 39, 40, 41, 60]) {
    for (const prefix of [' ', '⁞', '12:00:00.123  ']) {
      it(`width ${width}, prefix ${JSON.stringify(prefix)}`, () => {
        for (const text of texts) {
          const fitted = fitColumns(text, width - prefix.length);
          expect(frame(width, prefix, fitted)).toBe(frame(width, prefix, text));
        }
      });
    }
  }

  it("random mixes of narrow, wide and joining characters, at every width: what cli-truncate (Ink's cut) writes", () => {
    const pool = [
      'a',
      ' ',
      '#',
      '1',
      '♀',
      '⚠',
      '│',
      '📈',
      '🏽',
      '\u200d',
      '\ufe0f',
      '\u20e3',
      '\u0301',
      '🇩',
      '漢',
      'क',
      '\u094d',
      '\u200b',
    ];
    const next = seeded(11);
    let leftToInk = 0;
    for (let n = 0; n < 5000; n++) {
      let text = '';
      for (let i = 0, k = 1 + (next() % 16); i < k; i++) text += pool[next() % pool.length];
      const columns = 2 + (next() % 20);
      const fitted = fitColumns(text, columns);
      const cut = cliTruncate(text, columns, { position: 'end' });
      // Left as it is only when its first character is wider than the room before the ellipsis.
      if (fitted === text && cut !== text) leftToInk++;
      else expect(fitted, JSON.stringify([text, columns])).toBe(cut);
      // And drawn by Ink after a prefix, now and then.
      if (n % 250 === 0) expect(frame(columns + 1, ' ', fitted)).toBe(frame(columns + 1, ' ', text));
    }
    expect(leftToInk).toBeLessThan(250);
  });

  it('leaves what Ink must cut (colours, control characters, a wide first character) and what fits untouched', () => {
    expect(fitColumns('漢字漢字漢字', 3)).toBe('漢…');
    expect(fitColumns('漢字漢字漢字', 1)).toBe('漢字漢字漢字');
    expect(fitColumns('📈 up', 5)).toBe('📈 up');
    expect(fitColumns('tab\there and more', 4)).toBe('tab\there and more');
    expect(fitColumns('\x1b[31mred red red\x1b[0m', 3)).toBe('\x1b[31mred red red\x1b[0m');
    expect(fitColumns('fits', 4)).toBe('fits');
    expect(fitColumns('cut here', 4)).toBe('cut…');
  });
});

/**
 * The pane's rows as they were drawn before they became one text: a <Text> per row. Both at their
 * natural height: in a box too short for them, Ink squeezed wrapped <Text> rows into each other
 * (flex shrink); one text is cut at the bottom instead.
 */
function rowsAsTexts(lines: WireLine[], timestamps: boolean, wrap: boolean, width: number): string {
  const EVIDENCE: Record<string, string> = { halt: theme.bad, lift: theme.ok, rejected: theme.warn };
  const LEVEL: Record<string, string | undefined> = { ERROR: theme.bad, FATAL: theme.bad, WARN: theme.warn };
  return draw(
    <Box flexDirection="column" width={width}>
      {lines.map((line) => {
        const prefix = `${timestamps && line.ts ? `${line.ts.slice(11, 23)} ` : ''}${line.stream === 'stderr' ? '⁞' : ' '}`;
        let text = line.text;
        if (line.hl) {
          const plain = line.text.replace(/\x1b\[[0-9;]*m/g, '');
          let out = '';
          let from = 0;
          for (const [a, b] of line.hl) {
            out += `${plain.slice(from, a)}\x1b[7m${plain.slice(a, b)}\x1b[27m`;
            from = b;
          }
          text = out + plain.slice(from);
        }
        return (
          <Text
            key={line.seq}
            wrap={wrap ? 'wrap' : 'truncate'}
            color={line.evidence ? EVIDENCE[line.evidence] : LEVEL[line.level]}
            bold={!!line.evidence}
          >
            <Text color={theme.muted}>{prefix}</Text>
            {text}
          </Text>
        );
      })}
    </Box>,
  );
}

function rowsAsOneText(lines: WireLine[], timestamps: boolean, wrap: boolean, width: number): string {
  return draw(
    <Box flexDirection="column" width={width}>
      <Text wrap={wrap ? 'wrap' : 'truncate'}>{lines.flatMap((l) => logRowLines(l, timestamps, wrap, width)).join('\n')}</Text>
    </Box>,
  );
}

describe('the log rows as one text draw what a <Text> per row drew', () => {
  const ts = '2026-12-02T04:00:00.123456789Z';
  const lines: WireLine[] = [
    { seq: 1, stream: 'stdout', ts, level: 'INFO', text: 'plain info line' },
    {
      seq: 2,
      stream: 'stderr',
      ts,
      level: 'ERROR',
      text: '{"level":"ERROR","msg":"order rejected by risk: limit exceeded on BTC-USD perp"}',
    },
    { seq: 3, stream: 'stdout', ts, level: 'WARN', text: 'warn with \x1b[32mgreen from the container\x1b[0m and more text after it' },
    { seq: 4, stream: 'stdout', ts, level: 'INFO', text: 'HALT received, trading halted', evidence: 'halt' },
    { seq: 5, stream: 'stdout', ts, level: 'INFO', text: 'wide 漢字漢字漢字漢字漢字漢字 and accents éèê to the end of the row' },
    {
      seq: 9,
      stream: 'stdout',
      ts,
      level: 'WARN',
      text: '📈 order filled BTC-USD 0.5 @ 97,000 ✅ done ⚠\uFE0F margin 🇩🇪 e\u0301 to the end',
    },
    {
      seq: 6,
      stream: 'stdout',
      ts,
      level: 'INFO',
      text: 'match here and match there, a long line',
      hl: [
        [0, 5],
        [17, 22],
      ],
    },
    { seq: 7, stream: 'stderr', level: 'FATAL', text: 'x'.repeat(120), evidence: 'rejected' },
    { seq: 8, stream: 'stdout', ts, level: 'INFO', text: '' },
  ];
  for (const width of [12, 30, 47, 80]) {
    for (const wrap of [false, true]) {
      for (const timestamps of [false, true]) {
        it(`width ${width}, wrap ${wrap}, timestamps ${timestamps}`, () => {
          expect(rowsAsOneText(lines, timestamps, wrap, width)).toBe(rowsAsTexts(lines, timestamps, wrap, width));
        });
      }
    }
  }
});

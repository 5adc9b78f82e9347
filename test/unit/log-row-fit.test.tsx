/**
 * The log pane cuts plain ASCII lines to their columns itself (fitColumns), so Ink does not cut them
 * again at every frame. What shows must be what Ink's own truncation showed: both are rendered by
 * Ink, side by side, for lines shorter than, as long as and longer than the row, at several widths.
 */
import { Box, Text } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { fitColumns } from '../../src/components/LogsPane.js';

function frame(width: number, prefix: string, text: string): string {
  const r = render(
    <Box width={width}>
      <Text wrap="truncate" color="red">
        <Text color="gray">{prefix}</Text>
        {text}
      </Text>
    </Box>,
  );
  const out = r.lastFrame() ?? '';
  r.unmount();
  return out;
}

describe('fitColumns cuts a log line as Ink would', () => {
  const texts = [
    '',
    'short',
    '{"level":"ERROR","msg":"order rejected","id":12345,"reason":"risk limit exceeded on BTC-USD"}',
    'x'.repeat(40),
    'ends with spaces      ',
    'tab\tinside and é accent and 漢字 wide', // not plain ASCII: left to Ink
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

  it('leaves what Ink must cut (colours, wide characters) and what fits untouched', () => {
    expect(fitColumns('漢字漢字漢字', 3)).toBe('漢字漢字漢字');
    expect(fitColumns('\x1b[31mred red red\x1b[0m', 3)).toBe('\x1b[31mred red red\x1b[0m');
    expect(fitColumns('fits', 4)).toBe('fits');
    expect(fitColumns('cut here', 4)).toBe('cut…');
  });
});

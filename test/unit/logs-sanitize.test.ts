import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, onlySgrEscapes, sanitizeLine } from '../../src/services/logs/sanitize.js';

const ESC = '\x1b';

/** Runs bytes through a fresh splitter, in chunks of `chunkSize` bytes, and returns every line. */
function split(input: string | Buffer, chunkSize = Number.POSITIVE_INFINITY, maxLineBytes?: number): string[] {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const s = new LineSplitter(maxLineBytes);
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += Math.min(chunkSize, bytes.length)) {
    out.push(...s.push(bytes.subarray(i, Math.min(bytes.length, i + chunkSize))));
  }
  out.push(...s.flush());
  return out;
}

/** Both entry points must agree: string sanitizer and the byte splitter (one chunk, and byte by byte). */
function clean(line: string): string {
  const viaString = sanitizeLine(line);
  expect(split(`${line}\n`)).toEqual([viaString]);
  expect(split(`${line}\n`, 1)).toEqual([viaString]);
  expect(onlySgrEscapes(viaString)).toBe(true);
  return viaString;
}

const MARKER = /…\[truncated (\d+) bytes\]$/;

describe('sanitize: hostile escapes are dropped', () => {
  it('drops an OSC 52 clipboard write (BEL and ST terminated)', () => {
    expect(clean(`a${ESC}]52;c;aGVsbG8=\x07b`)).toBe('ab');
    expect(clean(`a${ESC}]52;c;aGVsbG8=${ESC}\\b`)).toBe('ab');
  });

  it('drops OSC 8 hyperlinks but keeps the link text', () => {
    expect(clean(`see ${ESC}]8;;https://evil.example/${ESC}\\click here${ESC}]8;;${ESC}\\ now`)).toBe('see click here now');
  });

  it('drops OSC 0 title, also when unterminated to end of line', () => {
    expect(clean(`${ESC}]0;pwned\x07text`)).toBe('text');
    expect(clean(`before${ESC}]0;title runs to the end of the line`)).toBe('before');
    // the next line is not swallowed by the unterminated OSC
    expect(split(`x${ESC}]0;open\nnext\n`)).toEqual(['x', 'next']);
  });

  it('drops cursor moves, erase and scroll', () => {
    expect(clean(`${ESC}[10;10Hx${ESC}[2Ay${ESC}[K${ESC}[2J${ESC}[3J${ESC}[5S${ESC}[1;24r!`)).toBe('xy!');
  });

  it('drops alternate-screen switches and other private modes', () => {
    expect(clean(`${ESC}[?1049hin alt${ESC}[?1049l${ESC}[?25l${ESC}[?1000h`)).toBe('in alt');
  });

  it('drops CSI sequences ending in m that are not SGR (private or intermediate)', () => {
    expect(clean(`${ESC}[>4;2ma${ESC}[?25mb${ESC}[1 mc`)).toBe('abc');
  });

  it('drops DCS, SOS, PM and APC strings', () => {
    expect(clean(`${ESC}Pq#0;2;0;0;0#1!6~${ESC}\\after`)).toBe('after');
    expect(clean(`${ESC}_Gf=100;AAAA${ESC}\\k${ESC}^private${ESC}\\i${ESC}Xsos${ESC}\\t`)).toBe('kit');
  });

  it('drops single ESC + char sequences (reset, save/restore cursor, charset)', () => {
    expect(clean(`${ESC}ca${ESC}7b${ESC}8c${ESC}(Bd${ESC}#8e${ESC}Mf`)).toBe('abcdef');
  });

  it('drops 8-bit C1 controls, including 8-bit CSI and OSC with their payloads', () => {
    expect(clean('\u009b2Jok')).toBe('ok');
    expect(clean('\u009d52;c;aGVsbG8=\u0007ok')).toBe('ok');
    expect(clean('\u009d0;title\u009cok')).toBe('ok');
    expect(clean('\u0090payload\u009cok\u0085\u0084!')).toBe('ok!');
    // a raw 0x9b byte is invalid UTF-8: it becomes U+FFFD, never a control
    expect(split(Buffer.from([0x61, 0x9b, 0x32, 0x4a, 0x0a]))).toEqual(['a\ufffd2J']);
  });

  it('drops BEL, backspace, NUL, DEL and carriage returns (no overwrite tricks)', () => {
    expect(clean('ab\x08\x08cd\x07')).toBe('abcd');
    expect(clean('a\x00b\x7fc\x0b\x0cd')).toBe('abcd');
    expect(clean('progress 10%\rFAKE OK')).toBe('progress 10%FAKE OK');
    expect(clean('tab\tkept')).toBe('tab\tkept');
  });

  it('strips the trailing CR of CRLF lines', () => {
    expect(split('one\r\ntwo\r\n')).toEqual(['one', 'two']);
  });

  it('an ESC inside an OSC cancels it and starts a new escape (xterm behaviour)', () => {
    expect(clean(`${ESC}]0;title${ESC}[31mred`)).toBe(`${ESC}[31mred${ESC}[0m`);
  });

  it('a control character breaks a CSI: the CSI is dropped, the text after it kept', () => {
    expect(clean(`${ESC}[31\x07text`)).toBe('text');
    expect(clean(`${ESC}[3é`)).toBe('é');
  });
});

describe('sanitize: SGR is kept intact', () => {
  it('keeps basic, 256-colour, truecolour and colon forms, closing the style', () => {
    expect(clean(`${ESC}[31mred${ESC}[0m`)).toBe(`${ESC}[31mred${ESC}[0m`);
    expect(clean(`${ESC}[38;5;196mX`)).toBe(`${ESC}[38;5;196mX${ESC}[0m`);
    expect(clean(`${ESC}[38;2;255;128;0mY${ESC}[48;2;0;0;0mZ`)).toBe(`${ESC}[38;2;255;128;0mY${ESC}[48;2;0;0;0mZ${ESC}[0m`);
    expect(clean(`${ESC}[38:2::255:128:0mC`)).toBe(`${ESC}[38:2::255:128:0mC${ESC}[0m`);
    expect(clean(`${ESC}[1;4mB${ESC}[m`)).toBe(`${ESC}[1;4mB${ESC}[m`);
  });

  it('keeps an SGR split across chunks', () => {
    expect(split(`${ESC}[38;5;2mgreen\n`, 3)).toEqual([`${ESC}[38;5;2mgreen${ESC}[0m`]);
  });
});

describe('sanitize: UTF-8', () => {
  it('replaces invalid UTF-8 with U+FFFD (lone 0xff, truncated sequence, overlong, surrogate)', () => {
    expect(split(Buffer.from([0x61, 0xff, 0x62, 0x0a]))).toEqual(['a\ufffdb']);
    expect(split(Buffer.from([0x61, 0xe2, 0x82, 0x0a, 0x62, 0x0a]))).toEqual(['a\ufffd', 'b']);
    expect(split(Buffer.from([0xc0, 0xaf, 0x0a]))).toEqual(['\ufffd\ufffd']);
    expect(split(Buffer.from([0xed, 0xa0, 0x80, 0x0a]))).toEqual(['\ufffd\ufffd\ufffd']);
    // truncated sequence at end of stream
    expect(split(Buffer.from([0x61, 0xf0, 0x9f]))).toEqual(['a\ufffd']);
  });

  it('decodes multi-byte characters split across chunks at every position', () => {
    const text = 'price €42 🚨 SYSTEM HALT — ok ✅\n';
    const whole = split(text);
    expect(whole).toEqual(['price €42 🚨 SYSTEM HALT — ok ✅']);
    for (let size = 1; size <= 5; size++) expect(split(text, size)).toEqual(whole);
  });
});

describe('sanitize: line cap', () => {
  it('cuts a 1 MB line to the cap, with a marker, quickly (one chunk and 64 KiB chunks)', () => {
    const big = Buffer.from(`${'A'.repeat(1 << 20)}\nnext\n`);
    for (const chunk of [Number.POSITIVE_INFINITY, 65536, 4093]) {
      const t0 = performance.now();
      const lines = split(big, chunk);
      const ms = performance.now() - t0;
      expect(lines).toHaveLength(2);
      const first = lines[0]!;
      const m = MARKER.exec(first);
      expect(m).not.toBeNull();
      expect(Number(m![1])).toBe((1 << 20) - DEFAULT_MAX_LINE_BYTES);
      expect(first.length).toBeLessThanOrEqual(DEFAULT_MAX_LINE_BYTES + m![0].length + 1);
      expect(first.startsWith('A'.repeat(DEFAULT_MAX_LINE_BYTES))).toBe(true);
      expect(lines[1]).toBe('next');
      expect(ms).toBeLessThan(500);
    }
  });

  it('measures the cap in UTF-8 bytes and never splits a character', () => {
    const [line] = split(`${'é'.repeat(3000)}\n`); // 6000 bytes
    expect(line!.startsWith('é'.repeat(2048))).toBe(true);
    expect(line!.replace(MARKER, '')).toBe(`${'é'.repeat(2048)} `);
    const [emoji] = split(`a${'🚨'.repeat(2000)}\n`); // 1 + 8000 bytes: 1023 emoji fit after 'a'
    const kept = emoji!.replace(MARKER, '').trimEnd();
    expect(Buffer.byteLength(kept)).toBe(1 + 1023 * 4);
    expect(kept.endsWith('🚨')).toBe(true);
  });

  it('a line cut inside an SGR keeps no partial escape and resets the style', () => {
    const line = `${ESC}[31m${'A'.repeat(DEFAULT_MAX_LINE_BYTES - 10)}${ESC}[38;2;255;255;255mtail`;
    const out = clean(line);
    expect(out).toMatch(MARKER);
    expect(out).toContain(`${ESC}[0m …[truncated`);
    expect(out).not.toContain('38;2');
  });

  it('a huge line of escapes (OSC payload, repeated erase) is linear and yields only the text', () => {
    const payload = `${ESC}]52;c;${'QUFB'.repeat(256 * 1024)}\x07visible\n`;
    const t0 = performance.now();
    expect(split(payload, 65536)).toEqual(['visible']);
    expect(split(`${`${ESC}[2J`.repeat(200_000)}x\n`)).toEqual(['x']);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('respects a custom cap, byte for byte', () => {
    expect(split('abcdefghij\n', Number.POSITIVE_INFINITY, 4)).toEqual(['abcd …[truncated 6 bytes]']);
    expect(sanitizeLine('abcdefghij', 4)).toBe('abcd …[truncated 6 bytes]');
    expect(split('abcd\n', Number.POSITIVE_INFINITY, 4)).toEqual(['abcd']);
  });
});

describe('LineSplitter', () => {
  it('keeps empty lines, emits the unterminated last line on flush, and nothing extra', () => {
    expect(split('a\n\nb\n')).toEqual(['a', '', 'b']);
    expect(split('a\nb')).toEqual(['a', 'b']);
    expect(split('')).toEqual([]);
  });

  it('keeps escape state across chunks within a line, and resets it at the line end', () => {
    expect(split(`a${ESC}`, 1)).toEqual(['a']);
    expect(split(`a${ESC}]52;c;AAA`, 2)).toEqual(['a']);
    expect(split(`${ESC}[31mred\nplain\n`, 2)).toEqual([`${ESC}[31mred${ESC}[0m`, 'plain']);
  });
});

describe('onlySgrEscapes', () => {
  it('accepts SGR and tabs, rejects every other escape or control', () => {
    expect(onlySgrEscapes(`${ESC}[1;38;5;3mok${ESC}[0m\tx`)).toBe(true);
    expect(onlySgrEscapes(`${ESC}[2J`)).toBe(false);
    expect(onlySgrEscapes(`${ESC}]52;c;AAAA\x07`)).toBe(false);
    expect(onlySgrEscapes(`${ESC}[31`)).toBe(false);
    expect(onlySgrEscapes('a\x07')).toBe(false);
    expect(onlySgrEscapes('a\rb')).toBe(false);
    expect(onlySgrEscapes('\u009b2J')).toBe(false);
  });
});

describe('sanitize: fuzz', () => {
  it('random hostile bytes never produce a non-SGR escape or exceed the cap', () => {
    let seed = 0x12345678;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const alphabet = [0x1b, 0x5b, 0x5d, 0x3b, 0x31, 0x6d, 0x3f, 0x07, 0x5c, 0x50, 0x0d, 0x08, 0xc2, 0x9b, 0x9d, 0xff, 0xe2, 0x41, 0x0a];
    const bytes = Buffer.alloc(400_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = rand(3) === 0 ? rand(256) : alphabet[rand(alphabet.length)]!;
    const cap = 64;
    const lines = split(bytes, 777, cap);
    expect(lines.length).toBeGreaterThan(1000);
    for (const line of lines) {
      expect(onlySgrEscapes(line)).toBe(true);
      const content = line.replace(MARKER, '').replace(/\x1b\[0m ?$/, '');
      expect(Buffer.byteLength(content)).toBeLessThanOrEqual(cap + 1);
    }
  });
});

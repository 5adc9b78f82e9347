import { describe, expect, it } from 'vitest';
import { TITAN_PROFILE } from '../../src/contract/profiles.js';
import { RawScreen, requiredLiteral } from '../../src/services/logs/literals.js';

describe('requiredLiteral: the bytes every match of a contract pattern must contain', () => {
  it('takes the longest plain run outside groups, classes, optional parts and escapes', () => {
    expect(requiredLiteral('SYSTEM HALT ACTIVATED')).toBe('SYSTEM HALT ACTIVATED');
    expect(requiredLiteral('Received malformed system\\.halt payload')).toBe('Received malformed system');
    expect(requiredLiteral('\\[SystemState\\] Remote (HARD|SOFT) HALT triggered')).toBe(' HALT triggered');
    expect(requiredLiteral('SYSTEM HALT(?: ACTIVATED)?')).toBe('SYSTEM HALT');
    expect(requiredLiteral('ab?cdefg')).toBe('cdefg');
    expect(requiredLiteral('\\d+ errors found')).toBe(' errors found');
    expect(requiredLiteral('[a-z]+ HALTED now')).toBe(' HALTED now');
  });

  it('only ASCII that JSON and colour leave as is: not a non-ASCII arrow, not an escape sequence', () => {
    expect(requiredLiteral('DRIFT → HALT')).toBe('DRIFT ');
    expect(requiredLiteral('x\\u2192yyyy')).toBe('yyyy');
    expect(requiredLiteral('say "hello world" now')).not.toContain('"');
  });

  it('none when no single string is required: a top-level alternation, wildcards only, too short', () => {
    expect(requiredLiteral('foo|bar')).toBeNull();
    expect(requiredLiteral('a.*b')).toBeNull();
    expect(requiredLiteral('(ERROR|FATAL)')).toBeNull();
  });

  it('every pattern of the contract has one: the evidence watch can screen raw bytes', () => {
    for (const service of ['execution', 'brain'] as const) {
      const screen = new RawScreen(TITAN_PROFILE.logPatterns.filter((p) => p.service === service).map((p) => p.regex));
      expect(screen.screenable).toBe(true);
    }
  });
});

describe('RawScreen', () => {
  const screen = new RawScreen(TITAN_PROFILE.logPatterns.filter((p) => p.service === 'execution').map((p) => p.regex));

  it('finds every literal in a chunk, in order, and nothing in plain traffic', () => {
    const buf = Buffer.from('tick\n🚨 SYSTEM HALT ACTIVATED: x\nfill\nRECEIVED FLATTEN COMMAND\n');
    const hits = screen.hits(buf);
    expect(hits).toHaveLength(2);
    expect(buf.toString('utf8', hits[0], hits[0]! + 11)).toBe('SYSTEM HALT');
    expect(hits[0]!).toBeLessThan(hits[1]!);
    expect(screen.hits(Buffer.from('y\n'.repeat(1000)))).toEqual([]);
  });

  it('a range stops at its end', () => {
    const buf = Buffer.from('aaaa SYSTEM HALT ACTIVATED bbbb');
    expect(screen.hits(buf, 0, 10)).toEqual([]);
    expect(screen.hits(buf, 0, buf.length)).toHaveLength(1);
  });

  it('a pattern without a literal makes the screen say so', () => {
    expect(new RawScreen(['SYSTEM HALT', 'a.*b']).screenable).toBe(false);
  });
});

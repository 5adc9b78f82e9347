import { describe, expect, it } from 'vitest';
import { clockOf, LineLevels, parseLogLine } from '../../src/services/logs/parse.js';
import { onlySgrEscapes, sanitizeLine } from '../../src/services/logs/sanitize.js';

describe('parseLogLine: Rust tracing JSON (execution)', () => {
  it('reads level, time and fields.message; other fields become key=value', () => {
    const line = JSON.stringify({
      timestamp: '2026-02-16T10:00:00.123456Z',
      level: 'WARN',
      fields: { message: '🚨 SYSTEM HALT ACTIVATED: manual', reason: 'ops drill', count: 3, 'log.target': 'x' },
      target: 'titan_execution',
    });
    const p = parseLogLine(line);
    expect(p.format).toBe('tracing');
    expect(p.level).toBe('WARN');
    expect(p.time).toBe('2026-02-16T10:00:00.123456Z');
    expect(p.message).toBe('🚨 SYSTEM HALT ACTIVATED: manual');
    expect(p.display).toBe('10:00:00.123 WARN  🚨 SYSTEM HALT ACTIVATED: manual reason="ops drill" count=3');
  });
});

describe('parseLogLine: brain Logger JSON', () => {
  it('shows component last, metadata as key=value and the error message', () => {
    const line = JSON.stringify({
      timestamp: '2026-02-16T10:00:01.5Z',
      level: 'ERROR',
      message: '[SystemState] Remote HARD HALT triggered',
      component: 'brain:ConfigLoader',
      correlationId: 'c-1',
      metadata: { state: 'HARD_HALT' },
      error: { message: 'boom', stack: 'Error: boom\n    at x' },
    });
    const p = parseLogLine(line);
    expect(p.format).toBe('brain');
    expect(p.level).toBe('ERROR');
    expect(p.time).toBe('2026-02-16T10:00:01.5Z');
    expect(p.message).toBe('[SystemState] Remote HARD HALT triggered');
    expect(p.display).toBe('10:00:01.500 ERROR [SystemState] Remote HARD HALT triggered state=HARD_HALT error=boom [brain:ConfigLoader]');
  });
});

describe('parseLogLine: Fastify pino JSON', () => {
  it('maps numeric levels and renders request lines compactly', () => {
    const time = Date.UTC(2026, 1, 16, 10, 0, 2, 7);
    const p = parseLogLine(
      JSON.stringify({
        level: 30,
        time,
        pid: 1,
        hostname: 'h',
        reqId: 'req-1',
        req: { method: 'GET', url: '/health' },
        msg: 'incoming request',
      }),
    );
    expect(p.format).toBe('pino');
    expect(p.level).toBe('INFO');
    expect(p.time).toBe('2026-02-16T10:00:02.007Z');
    expect(p.message).toBe('incoming request');
    expect(p.display).toBe('10:00:02.007 INFO  incoming request GET /health [req-1]');

    const done = parseLogLine(
      JSON.stringify({ level: 30, time, reqId: 'req-1', res: { statusCode: 200 }, responseTime: 1.234, msg: 'request completed' }),
    );
    expect(done.display).toBe('10:00:02.007 INFO  request completed 200 1.2ms [req-1]');
  });

  it('maps every pino level 10..60', () => {
    const levels = [10, 20, 30, 40, 50, 60].map((level) => parseLogLine(JSON.stringify({ level, time: 0, msg: 'x' })).level);
    expect(levels).toEqual(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']);
  });
});

describe('parseLogLine: plain text', () => {
  it('keeps the text as display and sniffs only obvious levels', () => {
    expect(parseLogLine('Connected to NATS at nats://nats:4222')).toEqual({
      level: '',
      message: 'Connected to NATS at nats://nats:4222',
      display: 'Connected to NATS at nats://nats:4222',
      format: 'text',
    });
    expect(parseLogLine('2026-02-16T10:00:00Z ERROR db down').level).toBe('ERROR');
    expect(parseLogLine('WARNING: disk 91%').level).toBe('WARN');
    expect(parseLogLine('ts=1 level=warn msg=slow').level).toBe('WARN');
    expect(parseLogLine('[info] ready').level).toBe('INFO');
    expect(parseLogLine('TypeError: x is not a function').level).toBe('ERROR');
    expect(parseLogLine('    at foo (bar.js:1:2)').level).toBe('');
    expect(parseLogLine('🔴 System State: HARD_HALT. Emergency Stop.').level).toBe('');
    expect(parseLogLine('Received unknown system state: NORMAL').level).toBe('');
    // `Error:` anywhere is an error (brain's failed JetStream consumer, contract §11)...
    expect(parseLogLine('Durable subscription error for titan.cmd.sys.halt.v1: Error: push consumer requires deliver_subject').level).toBe(
      'ERROR',
    );
    expect(parseLogLine('Uncaught NatsError: 503').level).toBe('ERROR');
    // ...unless the logger's own level word says otherwise.
    expect(parseLogLine('2026-02-16T10:00:00Z WARN retry after Error: timeout').level).toBe('WARN');
    expect(parseLogLine('durable subscription error for x').level).toBe('');
  });

  it('strips SGR from the message but keeps it in display', () => {
    const p = parseLogLine('\x1b[31mred\x1b[0m alert');
    expect(p.message).toBe('red alert');
    expect(p.display).toBe('\x1b[31mred\x1b[0m alert');
  });

  it('falls back to text for non-log JSON and for JSON cut by the line cap, still sniffing its level', () => {
    expect(parseLogLine('{"foo":1}').format).toBe('text');
    expect(parseLogLine('[1,2]').format).toBe('text');
    expect(parseLogLine('{not json}').format).toBe('text');
    const cut = sanitizeLine(JSON.stringify({ timestamp: 't', level: 'ERROR', message: 'x'.repeat(5000) }));
    const p = parseLogLine(cut);
    expect(p.format).toBe('text');
    expect(p.level).toBe('ERROR');
    expect(parseLogLine('{"level":50,"time":1,"msg":"xx').level).toBe('ERROR');
  });
});

describe('parseLogLine: hostile JSON', () => {
  it('re-sanitizes escapes decoded from JSON strings (\\u001b), in message and every field', () => {
    const line = JSON.stringify({
      timestamp: '2026-02-16T10:00:00Z',
      level: 'INFO',
      message: '\u001b]52;c;aGVsbG8=\u0007hi \u001b[31mred\u001b[2J',
      component: 'x\u001b[?1049h',
      metadata: { k: '\u009b2J\u0007v' },
    });
    const p = parseLogLine(line);
    expect(onlySgrEscapes(p.display)).toBe(true);
    expect(p.display).not.toContain('52;c');
    expect(p.message).toBe('hi red');
    expect(p.display).toContain('\x1b[31mred');
  });

  it('keeps a multi-line message on one line', () => {
    const p = parseLogLine(
      JSON.stringify({ timestamp: '2026-02-16T10:00:00Z', level: 'ERROR', message: 'Error: boom\n    at a\r\n    at b' }),
    );
    expect(p.message).toBe('Error: boom ⏎     at a ⏎     at b');
  });

  it('never throws on odd values', () => {
    const odd = [
      '{"level":30,"time":1e300,"msg":"x"}',
      '{"level":30,"time":"yesterday","msg":{"a":[1,2]}}',
      '{"timestamp":123,"level":{},"fields":{"message":{"a":1}}}',
      '{"timestamp":"not a time","level":"LOUD","message":"m"}',
      '{"level":"info","msg":null}',
      '{',
      '}',
      '',
      '{"fields":null,"message":"m","level":null}',
      `{"level":30,"msg":"x","big":"${'y'.repeat(10_000)}"}`,
    ];
    for (const line of odd) {
      const p = parseLogLine(line);
      expect(typeof p.display).toBe('string');
      expect(onlySgrEscapes(p.display)).toBe(true);
    }
    const unreadable = parseLogLine('{"level":30,"time":1e300,"msg":"x"}');
    expect(unreadable.time).toBeUndefined();
    expect(unreadable.display).toBe('INFO  x');
    expect(parseLogLine('{"timestamp":"not a time","level":"LOUD","message":"m"}').display).toBe('      m');
    // a huge structured value is abbreviated
    expect(parseLogLine(odd[9]!).display.length).toBeLessThan(200);
  });
});

describe('clockOf', () => {
  it('formats UTC HH:MM:SS.mmm from ISO times with any precision or offset', () => {
    expect(clockOf('2026-02-16T10:00:00.123456789Z')).toBe('10:00:00.123');
    expect(clockOf('2026-02-16T10:00:00Z')).toBe('10:00:00.000');
    expect(clockOf('2026-02-16T12:00:00.5+02:00')).toBe('10:00:00.500');
    expect(clockOf('garbage')).toBeUndefined();
  });
});

describe('LineLevels: levels that depend on the stream and the lines before', () => {
  const run = (lines: Array<['stdout' | 'stderr', string]>) => {
    const levels = new LineLevels();
    return lines.map(([stream, text]) => levels.level(stream, parseLogLine(text)));
  };

  it('a plain stderr line without a level word is at least WARN; a level word on it still counts', () => {
    expect(run([['stderr', 'Connected to NATS at nats://nats:4222']])).toEqual(['WARN']);
    expect(run([['stderr', '[info] ready']])).toEqual(['INFO']);
    expect(run([['stderr', 'DEBUG pool size 4']])).toEqual(['DEBUG']);
    expect(run([['stdout', 'Connected to NATS at nats://nats:4222']])).toEqual(['']);
    // JSON lines carry their own level, on either stream.
    expect(run([['stderr', JSON.stringify({ level: 30, time: 1, msg: 'incoming request' })]])).toEqual(['INFO']);
  });

  it("brain's stderr error is ERROR", () => {
    expect(
      run([['stderr', 'Durable subscription error for titan.cmd.sys.halt.v1: Error: push consumer requires deliver_subject']]),
    ).toEqual(['ERROR']);
  });

  it('continuation lines of a printed error take its level, not their own keyword', () => {
    const printed: Array<['stdout' | 'stderr', string]> = [
      ['stderr', 'Failed to publish: NatsError: TIMEOUT'],
      ['stderr', '    at Timeout._onTimeout (/app/node_modules/nats/lib/nats-base-client/util.js:59:20)'],
      ['stderr', '    at listOnTimeout (node:internal/timers:573:17) {'],
      ['stderr', "  code: 'TIMEOUT',"],
      ['stderr', '  chainedError: undefined,'],
      ['stderr', '  api_error: undefined'],
      ['stderr', '}'],
      ['stderr', 'Reconnecting in 2 s'],
    ];
    expect(run(printed)).toEqual(['ERROR', 'ERROR', 'ERROR', 'ERROR', 'ERROR', 'ERROR', 'ERROR', 'WARN']);
  });

  it('an object printed on stdout after an INFO line stays INFO, even where a field is named like an error', () => {
    expect(
      run([
        ['stdout', '[info] subscription state {'],
        ['stdout', '  chainedError: undefined,'],
        ['stdout', "  lastError: 'Error: none'"],
        ['stdout', '}'],
        ['stdout', '}'], // nothing open any more: a line of its own
      ]),
    ).toEqual(['INFO', 'INFO', 'INFO', 'INFO', '']);
  });

  it('streams are tracked apart: an indented stdout line does not continue a stderr error', () => {
    expect(
      run([
        ['stderr', 'TypeError: x is not a function'],
        ['stdout', 'ready'],
        ['stdout', '  chainedError: undefined,'],
        ['stderr', '    at foo (bar.js:1:2)'],
      ]),
    ).toEqual(['ERROR', '', '', 'ERROR']);
    // With no line before it, an indented line is a line of its own.
    expect(run([['stdout', '  chainedError: undefined,']])).toEqual(['ERROR']);
  });

  it('a JSON line starts a new block', () => {
    expect(
      run([
        ['stderr', 'TypeError: boom'],
        ['stderr', JSON.stringify({ timestamp: '2026-02-16T10:00:00Z', level: 'INFO', message: 'ok' })],
        ['stderr', '  trailing indented text'],
      ]),
    ).toEqual(['ERROR', 'INFO', 'INFO']);
  });
});

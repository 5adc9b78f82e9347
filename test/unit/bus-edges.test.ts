import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConnectOptions } from '../../src/services/bus/connect-options.js';
import { decodeMessage } from '../../src/services/bus/decode.js';
import { publishSubjectProblem, subscribeSubjectProblem } from '../../src/services/bus/subjects.js';
import { endpointOf } from '../../src/services/bus/text.js';
import { printable } from '../../src/text/safe-text.js';

const tuning = { connectTimeoutMs: 1000, pingIntervalMs: 1000, reconnectDelay: () => 500 };
const isNumber = (d: unknown) => (typeof d === 'number' ? { ok: true as const, value: d } : { ok: false as const, error: 'not a number' });
const bytes = (s: string) => new TextEncoder().encode(s);

describe('bus text safety', () => {
  it('endpoints never carry credentials', () => {
    expect(endpointOf('nats://brain:s3cret@10.0.0.5:4222')).toBe('10.0.0.5:4222');
    expect(endpointOf('tls://host.example')).toBe('host.example:4222');
    expect(endpointOf('127.0.0.1:5000')).toBe('127.0.0.1:5000');
  });

  it('strips terminal control sequences and caps length', () => {
    expect(printable('a\u001b[2Jb\u0007c')).toBe('a [2Jb c');
    expect(printable('x'.repeat(1000)).length).toBeLessThanOrEqual(240);
  });
});

describe('bus message decoding', () => {
  it('accepts valid JSON that passes validation', () => {
    expect(decodeMessage(bytes('42'), isNumber)).toEqual({ ok: true, value: 42 });
  });
  it('rejects invalid UTF-8, non-JSON and invalid shapes without echoing the payload', () => {
    const bad = decodeMessage(new Uint8Array([0x22, 0xff, 0x22]), isNumber);
    expect(bad).toMatchObject({ ok: false, error: expect.stringContaining('UTF-8') });
    const notJson = decodeMessage(bytes('hello SECRET'), isNumber);
    expect(notJson).toMatchObject({ ok: false, error: expect.stringContaining('not valid JSON') });
    expect(JSON.stringify(notJson)).not.toContain('SECRET');
    expect(decodeMessage(bytes('"x"'), isNumber)).toMatchObject({ ok: false, error: expect.stringContaining('not a number') });
  });
  it('a throwing validator is a malformed message, not a crash', () => {
    const r = decodeMessage(bytes('1'), () => {
      throw new Error('boom');
    });
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining('boom') });
  });
});

describe('bus subjects', () => {
  it('publish subjects must be concrete', () => {
    expect(publishSubjectProblem('titan.cmd.sys.halt.v1')).toBeNull();
    expect(publishSubjectProblem('titan.cmd.>')).not.toBeNull();
    expect(publishSubjectProblem('a..b')).not.toBeNull();
    expect(publishSubjectProblem('a b')).not.toBeNull();
  });
  it('subscribe subjects may use wildcards', () => {
    expect(subscribeSubjectProblem('titan.evt.*.x')).toBeNull();
    expect(subscribeSubjectProblem('titan.evt.>')).toBeNull();
    expect(subscribeSubjectProblem('titan.>.x')).not.toBeNull();
  });
});

describe('bus connect options', () => {
  it('reads TLS files into the options', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bus-tls-'));
    writeFileSync(join(dir, 'ca.pem'), 'CA-PEM');
    writeFileSync(join(dir, 'cert.pem'), 'CERT-PEM');
    writeFileSync(join(dir, 'key.pem'), 'KEY-PEM');
    const o = await buildConnectOptions(
      {
        servers: ['tls://h:4222'],
        user: 'u',
        pass: 'p',
        tls: { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') },
      },
      tuning,
    );
    expect(o.tls).toEqual({ ca: 'CA-PEM', cert: 'CERT-PEM', key: 'KEY-PEM' });
    expect(o).toMatchObject({ user: 'u', pass: 'p', reconnect: true, maxReconnectAttempts: -1, name: 'titan-tui' });
  });
  it('a missing credential file is named in a readable error', async () => {
    await expect(buildConnectOptions({ servers: ['h'], credsFile: '/nonexistent/x.creds' }, tuning)).rejects.toThrow(
      /cannot read NATS creds file \/nonexistent\/x.creds \(ENOENT\)/,
    );
  });
  it('tls: null forbids TLS explicitly', async () => {
    expect((await buildConnectOptions({ servers: ['h'], tls: null }, tuning)).tls).toBeNull();
  });
});

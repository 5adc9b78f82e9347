/**
 * Log line writers that mimic what the real Titan services print (contract §6, §11),
 * so the cockpit's log parsing is exercised against realistic, mixed output.
 */
import { hostname } from 'node:os';

export type Stream = 'stdout' | 'stderr';
/** Receives one line (no trailing newline) and the stream it would have been written to. */
export type Out = (line: string, stream: Stream) => void;

export const defaultOut: Out = (line, stream) => {
  (stream === 'stderr' ? process.stderr : process.stdout).write(`${line}\n`);
};

/** Writes every physical line separately, as a log collector would see them. */
function emit(out: Out, text: string, stream: Stream): void {
  for (const line of text.split('\n')) out(line, stream);
}

/** RFC 3339 with microseconds, like tracing-subscriber's JSON timer: 2026-02-16T10:00:00.123456Z. */
export function microsIso(nowMs: number = performance.timeOrigin + performance.now()): string {
  const whole = Math.floor(nowMs);
  const micros = Math.floor((nowMs - whole) * 1000);
  return new Date(whole).toISOString().replace('Z', `${String(micros).padStart(3, '0')}Z`);
}

export type RustLevel = 'INFO' | 'WARN' | 'ERROR';

/** titan-execution-rs: tracing JSON, target disabled (main.rs L109-118). */
export interface ExecutionLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Same JSON line, but on stderr (a panic hook or a crate writing there). */
  stderrError(message: string): void;
}

export function executionLog(out: Out): ExecutionLog {
  const line = (level: RustLevel, message: string, stream: Stream = 'stdout') =>
    out(JSON.stringify({ timestamp: microsIso(), level, fields: { message } }), stream);
  return {
    info: (m) => line('INFO', m),
    warn: (m) => line('WARN', m),
    error: (m) => line('ERROR', m),
    stderrError: (m) => line('ERROR', m, 'stderr'),
  };
}

export type BrainLevel = 'INFO' | 'WARN' | 'ERROR';

/** titan-brain: shared Logger JSON lines, pino lines from Fastify, plain console.log text. */
export interface BrainLog {
  info(message: string, metadata?: Record<string, unknown>): void;
  warn(message: string, metadata?: Record<string, unknown>): void;
  error(message: string, metadata?: Record<string, unknown>): void;
  /** console.log / console.error of plain text (may span several lines, e.g. a stack trace). */
  plain(text: string, stream?: Stream): void;
  /** A pino line; `fields` go between reqId and msg, like Fastify's request logs. */
  pino(level: number, msg: string, fields?: Record<string, unknown>): void;
}

/** Every brain Logger line observed on the running brain carried this component (contract §11). */
const BRAIN_COMPONENT = 'brain:ConfigLoader';

export function brainLog(out: Out): BrainLog {
  const json = (level: BrainLevel, message: string, metadata?: Record<string, unknown>) => {
    const rec: Record<string, unknown> = {
      timestamp: new Date().toISOString(),
      level,
      message,
      component: BRAIN_COMPONENT,
    };
    if (metadata) rec.metadata = metadata;
    // console.warn / console.error write to stderr.
    out(JSON.stringify(rec), level === 'INFO' ? 'stdout' : 'stderr');
  };
  const host = hostname();
  return {
    info: (m, md) => json('INFO', m, md),
    warn: (m, md) => json('WARN', m, md),
    error: (m, md) => json('ERROR', m, md),
    plain: (text, stream = 'stdout') => emit(out, text, stream),
    pino: (level, msg, fields = {}) =>
      out(JSON.stringify({ level, time: Date.now(), pid: process.pid, hostname: host, ...fields, msg }), 'stdout'),
  };
}

/** Raw ANSI colour, as some brain dependencies print (contract §11). */
export const ansi = {
  green: (s: string) => `\u001b[32m${s}\u001b[39m`,
  yellow: (s: string) => `\u001b[33m${s}\u001b[39m`,
  red: (s: string) => `\u001b[31m${s}\u001b[39m`,
  cyan: (s: string) => `\u001b[36m${s}\u001b[39m`,
  bold: (s: string) => `\u001b[1m${s}\u001b[22m`,
};

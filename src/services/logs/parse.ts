/**
 * One sanitized log line → level, own timestamp, plain message and a compact display line.
 *
 * Formats (titan-contract.md §6, §11):
 *  - execution (Rust tracing JSON): {"timestamp","level":"WARN","fields":{"message",...},...}
 *  - brain Logger JSON:             {"timestamp","level":"INFO","message","component",...}
 *  - Fastify pino JSON:             {"level":30,"time":<ms>,"msg",...}
 *  - anything else is plain text (console.log lines, stack traces).
 *
 * display layout: `HH:MM:SS.mmm LEVEL message key=value … [component]`, time in UTC (Titan stamps
 * UTC). Plain text is displayed as is. `message` has no escapes at all (SGR stripped) so evidence
 * regexes see the words; `display` keeps SGR. JSON string values can carry raw escapes (\u001b),
 * so everything taken out of JSON is sanitized again. Never throws.
 */
import type { LogLevel } from '../../state/types.js';
import { DEFAULT_MAX_LINE_BYTES, sanitizeLine, stripSgr } from './sanitize.js';

export type LogFormat = 'tracing' | 'brain' | 'pino' | 'text';

export interface ParsedLogLine {
  level: LogLevel;
  /** The line's own timestamp (ISO), when it had one. */
  time?: string;
  /** Plain message text: no escapes, for evidence matching. */
  message: string;
  /** One-line display text: printable characters and SGR only. */
  display: string;
  format: LogFormat;
}

type Json = Record<string, unknown>;

/** Longest rendering of one structured value (objects, long strings) in the display line. */
const MAX_VALUE_CHARS = 160;
const TRACING_SKIP = new Set(['message']);
const BRAIN_SKIP = new Set(['timestamp', 'level', 'message', 'component', 'correlationId', 'traceId', 'metadata', 'error']);
const PINO_SKIP = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'reqId', 'req', 'res', 'responseTime', 'err', 'v']);

export function parseLogLine(text: string): ParsedLogLine {
  if (looksLikeJson(text)) {
    try {
      const obj: unknown = JSON.parse(text);
      if (obj !== null && typeof obj === 'object' && !Array.isArray(obj)) {
        const parsed = parseObject(obj as Json);
        if (parsed) return parsed;
      }
    } catch {
      // not JSON after all (truncated, or just braces): plain text below
    }
  }
  return parsePlain(text);
}

function looksLikeJson(text: string): boolean {
  let a = 0;
  while (a < text.length && text.charCodeAt(a) === 0x20) a++;
  let b = text.length - 1;
  while (b > a && (text.charCodeAt(b) === 0x20 || text.charCodeAt(b) === 0x09)) b--;
  return text.charCodeAt(a) === 0x7b && text.charCodeAt(b) === 0x7d; // { ... }
}

function parseObject(o: Json): ParsedLogLine | null {
  const fields = o['fields'];
  if (fields !== null && typeof fields === 'object' && !Array.isArray(fields) && 'message' in fields) {
    return tracing(o, fields as Json);
  }
  if (typeof o['level'] === 'number' || (typeof o['msg'] === 'string' && 'level' in o)) return pino(o);
  if (typeof o['message'] === 'string' && 'level' in o) return brain(o);
  return null;
}

function tracing(o: Json, fields: Json): ParsedLogLine {
  const extras: string[] = [];
  for (const key of Object.keys(fields)) {
    // log.* are the tracing-log bridge's source-location fields: noise for an operator
    if (!TRACING_SKIP.has(key) && !key.startsWith('log.')) extras.push(keyValue(key, fields[key]));
  }
  return build('tracing', levelFromName(o['level']), isoTime(o['timestamp']), fields['message'], extras, undefined);
}

function brain(o: Json): ParsedLogLine {
  const extras: string[] = [];
  const metadata = o['metadata'];
  if (metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata)) {
    for (const key of Object.keys(metadata)) extras.push(keyValue(key, (metadata as Json)[key]));
  } else if (metadata !== undefined) {
    extras.push(keyValue('metadata', metadata));
  }
  if (o['error'] !== undefined) extras.push(keyValue('error', errorText(o['error'])));
  for (const key of Object.keys(o)) if (!BRAIN_SKIP.has(key)) extras.push(keyValue(key, o[key]));
  const component = typeof o['component'] === 'string' ? o['component'] : undefined;
  return build('brain', levelFromName(o['level']), isoTime(o['timestamp']), o['message'], extras, component);
}

function pino(o: Json): ParsedLogLine {
  const extras: string[] = [];
  const req = o['req'];
  if (req !== null && typeof req === 'object') {
    const r = req as Json;
    extras.push(`${scalar(r['method'])} ${scalar(r['url'])}`);
  }
  const res = o['res'];
  if (res !== null && typeof res === 'object') extras.push(scalar((res as Json)['statusCode']));
  const rt = o['responseTime'];
  if (typeof rt === 'number' && Number.isFinite(rt)) extras.push(`${Math.round(rt * 10) / 10}ms`);
  if (o['err'] !== undefined) extras.push(keyValue('error', errorText(o['err'])));
  for (const key of Object.keys(o)) if (!PINO_SKIP.has(key)) extras.push(keyValue(key, o[key]));
  const level = typeof o['level'] === 'number' ? levelFromPino(o['level']) : levelFromName(o['level']);
  const time = o['time'];
  const iso = typeof time === 'number' ? msToIso(time) : isoTime(time);
  const reqId = o['reqId'] === undefined ? undefined : scalar(o['reqId']);
  return build('pino', level, iso, o['msg'], extras, reqId);
}

function build(
  format: LogFormat,
  level: LogLevel,
  time: string | undefined,
  rawMessage: unknown,
  extras: string[],
  component: string | undefined,
): ParsedLogLine {
  const msg = typeof rawMessage === 'string' ? rawMessage : scalar(rawMessage);
  const clock = time === undefined ? undefined : clockOf(time);
  let line = clock === undefined ? '' : `${clock} `;
  line += `${level.padEnd(5)} ${msg}`;
  for (const extra of extras) if (extra.length > 0) line += ` ${extra}`;
  if (component !== undefined && component.length > 0) line += ` [${component}]`;
  const result: ParsedLogLine = {
    level,
    message: isSafe(msg) ? msg : stripSgr(sanitizeLine(oneLine(msg))),
    display: isSafe(line) ? line : sanitizeLine(oneLine(line)),
    format,
  };
  if (time !== undefined) result.time = time;
  return result;
}

const CONTROL = /[\x00-\x1f\x7f-\x9f]/;
/** Most JSON lines hold no control at all and are short: skip the sanitizer pass (≤ 3 UTF-8 bytes per UTF-16 unit). */
function isSafe(s: string): boolean {
  return s.length * 3 <= DEFAULT_MAX_LINE_BYTES && !CONTROL.test(s);
}

/** Keeps multi-line messages (stack traces inside JSON) on one display line. */
function oneLine(s: string): string {
  return s.indexOf('\n') === -1 ? s : s.replace(/\r?\n/g, ' ⏎ ');
}

function keyValue(key: string, value: unknown): string {
  const v = scalar(value);
  return `${key}=${/[\s"]/.test(v) && typeof value === 'string' ? JSON.stringify(v) : v}`;
}

function scalar(value: unknown): string {
  let s: string;
  if (typeof value === 'string') s = value;
  else if (value === undefined) s = '';
  else if (typeof value === 'object' && value !== null) s = safeStringify(value);
  else s = String(value);
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS)}…` : s;
}

function safeStringify(value: object): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '[unprintable]';
  }
}

function errorText(err: unknown): unknown {
  if (err !== null && typeof err === 'object' && typeof (err as Json)['message'] === 'string') return (err as Json)['message'];
  return err;
}

const LEVEL_NAMES: Record<string, LogLevel> = {
  TRACE: 'TRACE',
  DEBUG: 'DEBUG',
  INFO: 'INFO',
  WARN: 'WARN',
  WARNING: 'WARN',
  ERROR: 'ERROR',
  ERR: 'ERROR',
  FATAL: 'FATAL',
  PANIC: 'FATAL',
  CRITICAL: 'FATAL',
};

function levelFromName(value: unknown): LogLevel {
  if (typeof value !== 'string') return '';
  return LEVEL_NAMES[value.toUpperCase()] ?? '';
}

/** pino: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal (custom levels fall to the one below). */
function levelFromPino(n: number): LogLevel {
  if (n >= 60) return 'FATAL';
  if (n >= 50) return 'ERROR';
  if (n >= 40) return 'WARN';
  if (n >= 30) return 'INFO';
  if (n >= 20) return 'DEBUG';
  if (n >= 10) return 'TRACE';
  return '';
}

function isoTime(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length < 64 ? value : undefined;
}

/** Largest |ms| a JS Date accepts; beyond it toISOString throws. */
const MAX_DATE_MS = 8.64e15;

function msToIso(ms: number): string | undefined {
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) return undefined;
  return new Date(ms).toISOString();
}

const ISO_UTC = /^\d{4}-\d\d-\d\dT(\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/;

/** `HH:MM:SS.mmm` in UTC, or undefined when the time cannot be read. */
export function clockOf(iso: string): string | undefined {
  const m = ISO_UTC.exec(iso);
  if (m) return `${m[1]}.${(m[2] ?? '').padEnd(3, '0').slice(0, 3)}`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  return new Date(ms).toISOString().slice(11, 23);
}

// Plain text: only obvious level markers count. Upper-case words (ERROR, WARN ...), logfmt
// `level=warn`, bracketed `[warn]`; failing those, a JS error anywhere in the line (`Error:`,
// `TypeError: ...`, brain's `Durable subscription error for …: Error: push consumer …`).
// A marker wins over `Error:`: the logger's own word is the line's level.
const PLAIN_JSON_LEVEL = /"level":\s*(?:"(\w+)"|(\d+))/; // a JSON line cut by the line cap
const PLAIN_UPPER = /\b(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|ERR|FATAL|PANIC|CRITICAL)\b/;
const PLAIN_TAGGED = /(?:\blevel=|\[)(trace|debug|info|warn|warning|error|fatal)\b/i;
/** Level words further in than this are part of the message, not a level marker. */
const SNIFF_CHARS = 120;

function parsePlain(text: string): ParsedLogLine {
  const message = stripSgr(text);
  return { level: sniffLevel(message), message, display: text, format: 'text' };
}

function sniffLevel(message: string): LogLevel {
  const head = message.length > SNIFF_CHARS ? message.slice(0, SNIFF_CHARS) : message;
  const json = head.charCodeAt(0) === 0x7b ? PLAIN_JSON_LEVEL.exec(head) : null;
  if (json) return json[1] !== undefined ? levelFromName(json[1]) : levelFromPino(Number(json[2]));
  const upper = PLAIN_UPPER.exec(head);
  if (upper) return LEVEL_NAMES[upper[1]!] ?? '';
  const tagged = PLAIN_TAGGED.exec(head);
  if (tagged) return LEVEL_NAMES[tagged[1]!.toUpperCase()] ?? '';
  if (message.includes('Error:')) return 'ERROR';
  return '';
}

type Stream = 'stdout' | 'stderr';
const CLOSER_ONLY = /^[\]})]+[,;]?$/;
const OPENS = /[[{(]$/;

/**
 * Levels that depend on the lines before, one stream at a time (console.error prints an error as
 * many lines, all on stderr):
 *  - a continuation line (indented, like `    at f (x.js:1:2)` or `  chainedError: undefined,`,
 *    or a lone `}` closing an object a line before opened) takes the level of the line it
 *    continues, never its own keyword's;
 *  - any other plain stderr line without a level marker is at least WARN: programs write
 *    trouble there, and a line like `Durable subscription error for …` must not read as noise.
 * JSON lines carry their own level and start a new block.
 */
export class LineLevels {
  /** Per stream: the level of the line being continued, open brackets, whether the last line was indented. */
  private readonly heads: Record<Stream, { level: LogLevel; depth: number; indented: boolean } | null> = {
    stdout: null,
    stderr: null,
  };

  level(stream: Stream, parsed: ParsedLogLine): LogLevel {
    const head = this.heads[stream];
    const text = parsed.message;
    const trimmed = text.trim();
    if (parsed.format === 'text' && head !== null) {
      const indented = /^[ \t]/.test(text);
      // A lone `}` closes what a line before opened, or ends the indented fields it follows.
      const closes = !indented && CLOSER_ONLY.test(trimmed) && (head.depth > 0 || head.indented);
      if (trimmed === '' || indented || closes) {
        if (CLOSER_ONLY.test(trimmed)) head.depth = Math.max(0, head.depth - 1);
        else if (OPENS.test(trimmed)) head.depth++;
        head.indented = indented;
        return head.level;
      }
    }
    let level = parsed.level;
    if (parsed.format === 'text' && stream === 'stderr' && level === '') level = 'WARN';
    this.heads[stream] = { level, depth: parsed.format === 'text' && OPENS.test(trimmed) ? 1 : 0, indented: false };
    return level;
  }
}

/**
 * Everything the command line writes goes through here: redacted (services/redact.ts), then
 * sanitized line by line (only SGR colour survives; a file name cannot set the terminal title,
 * write the clipboard or clear the screen), colour dropped when the stream is not a terminal.
 * JSON is redacted as a value, then serialized with every control character escaped.
 */
import { escapeJsonControls } from '../text/safe-text.js';
import { redact, redactValue } from '../services/redact.js';
import { sanitizeLine, stripSgr } from '../services/logs/sanitize.js';

export interface Stream {
  write(s: string): unknown;
  isTTY?: boolean;
}

/** Text safe for a terminal: each line redacted and sanitized; no colour unless `colour`. */
export function safeText(text: string, colour: boolean): string {
  return text
    .split('\n')
    .map((l) => {
      const clean = sanitizeLine(redact(l));
      return colour ? clean : stripSgr(clean);
    })
    .join('\n');
}

/** JSON for stdout: redacted values; DEL, C1 controls and line separators escaped too (JSON.stringify leaves them raw). */
export function jsonText(value: unknown): string {
  return escapeJsonControls(JSON.stringify(redactValue(value), null, 2));
}

export interface Writer {
  /** A line (or lines) on stdout. */
  out(text: string): void;
  /** A line (or lines) on stderr, as is (prompts add their own prefix). */
  err(text: string): void;
  /** `titan-tui: <problem>` on stderr. */
  problem(text: string): void;
  json(value: unknown): void;
  /** Text that is already safe (serialized JSON records): written as is, never cut. */
  rawErr(text: string): void;
}

export function writer(stdout: Stream = process.stdout, stderr: Stream = process.stderr): Writer {
  return {
    out: (t) => void stdout.write(`${safeText(t, stdout.isTTY === true)}\n`),
    err: (t) => void stderr.write(`${safeText(t, stderr.isTTY === true)}\n`),
    problem: (t) => void stderr.write(`${safeText(`titan-tui: ${t}`, stderr.isTTY === true)}\n`),
    json: (v) => void stdout.write(`${jsonText(v)}\n`),
    rawErr: (t) => void stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  };
}

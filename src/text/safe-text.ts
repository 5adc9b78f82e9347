/**
 * Text from outside (the network, container names, file names) made safe for a terminal: one place
 * for the screen, the command line and the services. Redaction of secrets is services/redact.ts.
 */

const MAX_LEN = 240;

/** Removes terminal control characters (a hostile payload must not repaint the cockpit) and caps length. */
export function printable(text: string, max = MAX_LEN): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * One line with every control character made visible (`\n`, `\t`, `\x1b`, ...): for names from
 * outside (file names, container names) that must be shown exactly but cannot move the cursor,
 * set a title, or break a one-row-per-item layout.
 */
export function visibleControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}

/** Serialized JSON with DEL, C1 controls and line separators escaped too (JSON.stringify leaves them raw; a terminal may act on C1). */
export function escapeJsonControls(json: string): string {
  return json.replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

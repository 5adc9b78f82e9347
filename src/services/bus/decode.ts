/** Turns raw message bytes into a validated value, or a readable reason why not. Never throws. */
import { printable } from '../../text/safe-text.js';

export type Validate<T> = (data: unknown) => { ok: true; value: T } | { ok: false; error: string };
export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

// fatal: invalid UTF-8 is malformed, not silently replaced by U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeMessage<T>(bytes: Uint8Array, validate: Validate<T>): Decoded<T> {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, error: `payload is not UTF-8 text (${bytes.length} bytes)` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // The payload itself is not echoed: it is untrusted and may be huge.
    return { ok: false, error: `payload is not valid JSON (${bytes.length} bytes)` };
  }
  try {
    const r = validate(data);
    return r.ok ? r : { ok: false, error: printable(`payload failed validation: ${r.error}`) };
  } catch (e) {
    return { ok: false, error: printable(`payload validator failed: ${e instanceof Error ? e.message : String(e)}`) };
  }
}

/**
 * Recognises contract log patterns (halt, lift, breaker trip ...) in parsed log messages.
 * Regexes come from config, so a bad one is reported as an error value, never thrown.
 */
import type { LogPattern } from '../../contract/types.js';

type Service = LogPattern['service'];

interface CompiledPattern {
  pattern: LogPattern;
  regex: RegExp;
}

export class EvidenceMatcher {
  /** One operator-readable message per pattern that could not be used. */
  readonly errors: string[] = [];
  private readonly byService: Record<Service, CompiledPattern[]> = { execution: [], brain: [] };
  /** All usable patterns of a service in one alternation: one test per line on the hot path. */
  private readonly screens: Partial<Record<Service, RegExp>> = {};

  constructor(patterns: readonly LogPattern[]) {
    for (const pattern of patterns) {
      const list = this.byService[pattern.service];
      if (list === undefined) {
        this.errors.push(
          `log pattern "${pattern.id}": unknown service "${String(pattern.service)}" (expected execution or brain); pattern ignored`,
        );
        continue;
      }
      try {
        // No flags: contract strings are matched case-sensitively, once per line (no lastIndex state).
        list.push({ pattern, regex: new RegExp(pattern.regex) });
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        this.errors.push(
          `log pattern "${pattern.id}": invalid regex /${pattern.regex}/ (${why}); pattern ignored, fix it in the contract config`,
        );
      }
    }
  }

  /** Cheap pre-check on a raw line: could it hold evidence for this service? */
  screen(service: Service, raw: string): boolean {
    let re = this.screens[service];
    if (re === undefined) {
      const list = this.byService[service] ?? [];
      re = list.length ? new RegExp(list.map((c) => `(?:${c.regex.source})`).join('|')) : /(?!)/;
      this.screens[service] = re;
    }
    return re.test(raw);
  }

  /** First pattern of this service matching the message, in contract order. */
  match(service: Service, message: string): LogPattern | null {
    const list = this.byService[service];
    if (list === undefined) return null;
    for (const { pattern, regex } of list) if (regex.test(message)) return pattern;
    return null;
  }
}

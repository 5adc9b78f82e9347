/**
 * NATS subject rules used by nats-lite: validity, wildcard matching and the
 * "is this subscription inside an allowed pattern" check the real server applies
 * to subscribe permissions.
 */

/** A subject a client may publish to: non-empty tokens, no wildcards, no whitespace. */
export function isLiteralSubject(subject: string): boolean {
  if (!isValidSubject(subject)) return false;
  return subject.split('.').every((t) => t !== '*' && t !== '>');
}

/** A subject a client may subscribe to: `*` is a whole token, `>` only as the last token. */
export function isValidSubject(subject: string): boolean {
  if (subject.length === 0 || /\s/.test(subject)) return false;
  const tokens = subject.split('.');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    if (t.length === 0) return false;
    // `foo*` is a literal token to the real server, so only a lone `>` has a position rule.
    if (t === '>' && i !== tokens.length - 1) return false;
  }
  return true;
}

/** Does a literal subject match a (possibly wildcard) pattern? */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const pt = p[i];
    if (pt === '>') return s.length > i;
    const st = s[i];
    if (st === undefined) return false;
    if (pt !== '*' && pt !== st) return false;
  }
  return p.length === s.length;
}

/**
 * Is every subject that `sub` can match also matched by `pattern`?
 * This is how the real server judges a wildcard SUB against an allow list:
 * console may subscribe `titan.data.>` but not `titan.>`.
 */
export function subjectIsSubset(sub: string, pattern: string): boolean {
  const p = pattern.split('.');
  const s = sub.split('.');
  for (let i = 0; i < p.length; i++) {
    const pt = p[i];
    const st = s[i];
    if (pt === '>') return st !== undefined;
    if (st === undefined) return false;
    if (st === '>') return false;
    if (pt === '*') continue;
    if (st === '*' || pt !== st) return false;
  }
  return p.length === s.length;
}

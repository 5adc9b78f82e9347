/** NATS subject checks, so a bad subject is an immediate readable error rather than a silent server drop. */

const TOKEN = /^[^\s.*>]+$/;

/** Why `subject` cannot be published to, or null when it can (no wildcards, no empty tokens, no spaces). */
export function publishSubjectProblem(subject: string): string | null {
  if (typeof subject !== 'string' || subject.length === 0) return 'subject is empty';
  for (const t of subject.split('.')) {
    if (!TOKEN.test(t)) return `"${subject}" is not a valid publish subject (empty token, space or wildcard)`;
  }
  return null;
}

/** Like publishSubjectProblem, but `*` tokens and a final `>` are allowed. */
export function subscribeSubjectProblem(subject: string): string | null {
  if (typeof subject !== 'string' || subject.length === 0) return 'subject is empty';
  const tokens = subject.split('.');
  for (const [i, t] of tokens.entries()) {
    if (t === '*' || (t === '>' && i === tokens.length - 1)) continue;
    if (!TOKEN.test(t)) return `"${subject}" is not a valid subscribe subject`;
  }
  return null;
}

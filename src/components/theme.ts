/** Semantic colours: components name a meaning, never a raw colour. */
export const theme = {
  ok: 'green',
  warn: 'yellow',
  bad: 'red',
  muted: 'gray',
  accent: 'cyan',
  title: 'white',
  armed: 'red',
  safe: 'green',
  readOnly: 'blue',
  stale: 'gray',
} as const;

/** How an action outcome is shown everywhere (banner, halt pane, audit screen). */
export const OUTCOME_COLOR = {
  VERIFIED: theme.ok,
  NOT_CONFIRMED: theme.warn,
  FAILED: theme.bad,
  CANCELLED: theme.muted,
  RUNNING: theme.accent,
} as const;

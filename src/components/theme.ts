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

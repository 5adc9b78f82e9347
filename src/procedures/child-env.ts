/**
 * The environment a host command or the editor gets: an allowlist of what a shell, git, compose
 * and an editor need, never the rest of the cockpit's environment (NATS_PASS, TITAN_TUI_* secrets,
 * cloud credentials, tokens of other tools). Docker's own settings (DOCKER_*) and compose's
 * (COMPOSE_*) pass, so compose acts as it does in the operator's shell.
 */
const NAMES = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TERM',
  'COLORTERM',
  'NO_COLOR',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'EDITOR',
  'VISUAL',
  'SSH_AUTH_SOCK',
  'GIT_SSH_COMMAND',
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'XDG_RUNTIME_DIR',
  'XDG_CONFIG_HOME',
]);
const PREFIXES = ['LC_', 'DOCKER_', 'COMPOSE_'];

export function childEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (v === undefined) continue;
    if (NAMES.has(k) || PREFIXES.some((p) => k.startsWith(p))) env[k] = v;
  }
  return env;
}

/** For the README and the tests: what passes. */
export const CHILD_ENV_RULE = `${[...NAMES].join(', ')}, ${PREFIXES.map((p) => `${p}*`).join(', ')}`;

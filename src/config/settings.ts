/** Every setting that can come from the environment (TITAN_TUI_*) or a flag (--kebab-name). */
export interface Setting {
  path: string;
  type: 'string' | 'number' | 'boolean' | 'list' | 'json';
  env: string;
  flag: string;
}

const LEAVES: Array<[string, Setting['type']]> = [
  ['profile', 'string'],
  ['operator', 'string'],
  ['readOnly', 'boolean'],
  ['nats.servers', 'list'],
  ['nats.user', 'string'],
  ['nats.pass', 'string'],
  ['nats.passFile', 'string'],
  ['nats.token', 'string'],
  ['nats.tokenFile', 'string'],
  ['nats.credsFile', 'string'],
  ['nats.nkeyFile', 'string'],
  ['nats.tls', 'json'],
  ['nats.confirmTimeoutMs', 'number'],
  ['docker.host', 'string'],
  ['docker.tls', 'json'],
  ['docker.ssh.identityFile', 'string'],
  ['docker.ssh.knownHostsFile', 'string'],
  ['brain.via', 'string'],
  ['brain.url', 'string'],
  ['brain.hmacSecret', 'string'],
  ['brain.hmacSecretFile', 'string'],
  ['brain.jwt', 'string'],
  ['brain.jwtFile', 'string'],
  ['brain.jwtSecret', 'string'],
  ['brain.jwtSecretFile', 'string'],
  ['execution.via', 'string'],
  ['execution.url', 'string'],
  ['contract', 'json'],
  ['logs.ringLines', 'number'],
  ['logs.tail', 'number'],
  ['logs.flushMs', 'number'],
  ['probes.intervalMs', 'number'],
  ['probes.timeoutMs', 'number'],
  ['probes.breakerMaxAgeMs', 'number'],
  ['ui.maxFps', 'number'],
  ['ui.armSeconds', 'number'],
  ['ui.cpuPriority', 'string'],
  ['actions.verifyTimeoutMs', 'number'],
  ['actions.followUpMs', 'number'],
  ['procedures.deployDir', 'string'],
  ['procedures.deployCommand', 'json'],
  ['procedures.backupDir', 'string'],
  ['procedures.restoreCommand', 'json'],
  ['procedures.envFile', 'string'],
  ['procedures.composeCommand', 'json'],
  ['procedures.composeFile', 'string'],
  ['procedures.composeProject', 'string'],
  ['procedures.stepTimeoutSec', 'number'],
  ['procedures.dryRun', 'boolean'],
  ['audit.dir', 'string'],
  ['audit.natsSubject', 'string'],
  ['keymap', 'json'],
];

const snake = (path: string) =>
  path
    .replace(/\./g, '_')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase();
const kebab = (path: string) =>
  path
    .replace(/\./g, '-')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();

export const SETTINGS: Setting[] = LEAVES.map(([path, type]) => ({ path, type, env: `TITAN_TUI_${snake(path)}`, flag: kebab(path) }));

/**
 * Secrets are never accepted as command-line flags (anyone can read /proc/PID/cmdline); each has a
 * `*File` setting instead (`--nats-pass-file FILE`, TITAN_TUI_NATS_PASS_FILE) that names a file
 * holding it. Keyed by the secret's path.
 */
export const SECRET_FILE_PATHS = {
  'nats.pass': 'nats.passFile',
  'nats.token': 'nats.tokenFile',
  'brain.hmacSecret': 'brain.hmacSecretFile',
  'brain.jwt': 'brain.jwtFile',
  'brain.jwtSecret': 'brain.jwtSecretFile',
} as const;

/** Settings whose value may be a URL with credentials in it (`scheme://user:pass@host`). */
export const URL_PATHS = ['nats.servers', 'docker.host', 'brain.url', 'execution.url'] as const;

/**
 * A REAL Runtime (createRuntime + loadConfig) pointed at nothing reachable: NATS on port 1, a Docker
 * socket that does not exist, brain/execution on port 1, the audit log in a temp dir. No mocks:
 * tests drive the display by emitting CockpitEvents into `rt.store`, which is exactly what the
 * services would report. `rt.start()` is not called unless a test wants the services' own
 * behaviour (they would report disconnected).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import type { AuditEntry, ContainerInfo } from '../../src/state/types.js';

export interface OfflineRuntime {
  rt: Runtime;
  dir: string;
  auditFile: string;
  /** Records appended to the audit JSONL file so far. */
  auditEntries: () => AuditEntry[];
  cleanup: () => Promise<void>;
}

export const UNREACHABLE = {
  nats: 'nats://127.0.0.1:1',
  docker: 'unix:///tmp/does-not-exist.sock',
  http: 'http://127.0.0.1:1',
} as const;

/**
 * @param flags extra `--kebab-name value` settings, e.g. `{ 'read-only': true, 'ui-arm-seconds': '5' }`.
 * @param env extra TITAN_TUI_* variables (the process environment is NOT read: tests stay hermetic).
 */
export function offlineRuntime(flags: Record<string, string | boolean> = {}, env: Record<string, string> = {}): OfflineRuntime {
  const dir = mkdtempSync(join(tmpdir(), 'titan-tui-ui-'));
  const auditDir = join(dir, 'audit');
  // An explicit config file must exist (src/config/load.ts): an empty one, the defaults apply.
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, '{}');
  const loaded = loadConfig({
    env: { USER: 'tester', ...env },
    configFile,
    flags: {
      'nats-servers': UNREACHABLE.nats,
      'docker-host': UNREACHABLE.docker,
      'brain-url': UNREACHABLE.http,
      'execution-url': UNREACHABLE.http,
      'audit-dir': auditDir,
      ...flags,
    },
  });
  const rt = createRuntime(loaded);
  const auditFile = join(auditDir, 'audit.jsonl');
  const auditEntries = (): AuditEntry[] => {
    try {
      return readFileSync(auditFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as AuditEntry);
    } catch {
      return [];
    }
  };
  let done = false;
  const cleanup = async () => {
    if (done) return;
    done = true;
    await rt.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { rt, dir, auditFile, auditEntries, cleanup };
}

/** A container as the engine would report it. */
export function container(name: string, over: Partial<ContainerInfo> = {}): ContainerInfo {
  return {
    id: `id-${name}`,
    name,
    image: `${name}:latest`,
    state: 'running',
    health: 'healthy',
    startedAt: new Date(Date.now() - 3_600_000).toISOString(),
    finishedAt: '',
    exitCode: null,
    restartCount: 0,
    tty: false,
    ...over,
  };
}

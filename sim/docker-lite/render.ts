/**
 * Docker Engine API JSON shapes for demo containers: list items
 * (GET /containers/json) and inspect documents (GET /containers/{id}/json).
 */
import { createHash } from 'node:crypto';
import type { VirtualContainer } from './container.js';

const NETWORK = 'titan-net';
const NETWORK_ID = createHash('sha256').update('titan-net').digest('hex');

function imageId(image: string): string {
  return `sha256:${createHash('sha256').update(image).digest('hex')}`;
}

/** Go's units.HumanDuration, which Docker uses for "Up 5 minutes". */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(m / 60);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  return `${Math.floor(h / 24 / 7)} weeks`;
}

function since(iso: string): number {
  return Date.now() - Date.parse(iso);
}

export function statusText(c: VirtualContainer): string {
  switch (c.status) {
    case 'created':
      return 'Created';
    case 'restarting':
      return `Restarting (${c.exitCode}) ${humanDuration(since(c.finishedAt))} ago`;
    case 'exited':
      return `Exited (${c.exitCode}) ${humanDuration(since(c.finishedAt))} ago`;
    case 'running': {
      const health = c.health === undefined ? '' : c.health === 'starting' ? ' (health: starting)' : ` (${c.health})`;
      return `Up ${humanDuration(since(c.startedAt))}${health}`;
    }
  }
}

function networks(c: VirtualContainer): Record<string, unknown> {
  const up = c.status === 'running';
  return {
    [NETWORK]: {
      IPAMConfig: null,
      Links: null,
      Aliases: [c.name, c.id.slice(0, 12)],
      NetworkID: NETWORK_ID,
      EndpointID: up ? createHash('sha256').update(`${c.id}:${c.startedAt}`).digest('hex') : '',
      Gateway: up ? '172.18.0.1' : '',
      IPAddress: up ? c.ip : '',
      IPPrefixLen: up ? 16 : 0,
      IPv6Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      MacAddress: up ? `02:42:ac:12:00:${Number(c.ip.split('.')[3]).toString(16).padStart(2, '0')}` : '',
      DriverOpts: null,
    },
  };
}

export function listItem(c: VirtualContainer): Record<string, unknown> {
  return {
    Id: c.id,
    Names: [`/${c.name}`],
    Image: c.spec.image,
    ImageID: imageId(c.spec.image),
    Command: `/entrypoint ${c.name}`,
    Created: Math.floor(c.created.getTime() / 1000),
    Ports: [],
    Labels: { ...(c.spec.labels ?? {}) },
    State: c.status,
    Status: statusText(c),
    HostConfig: { NetworkMode: NETWORK },
    NetworkSettings: { Networks: networks(c) },
    Mounts: [],
  };
}

export function inspect(c: VirtualContainer, execIds: string[]): Record<string, unknown> {
  const state: Record<string, unknown> = {
    Status: c.status,
    // Docker reports Running=true while a crashed container waits to be restarted.
    Running: c.status === 'running' || c.status === 'restarting',
    Paused: false,
    Restarting: c.status === 'restarting',
    OOMKilled: false,
    Dead: false,
    Pid: c.pid,
    ExitCode: c.exitCode,
    Error: c.errorText,
    StartedAt: c.startedAt,
    FinishedAt: c.finishedAt,
  };
  if (c.spec.healthcheck) state.Health = { Status: c.health ?? 'starting', FailingStreak: c.health === 'unhealthy' ? 1 : 0, Log: [] };
  const env = Object.entries(c.spec.env ?? {}).map(([k, v]) => `${k}=${v}`);
  return {
    Id: c.id,
    Created: c.created.toISOString(),
    Path: '/entrypoint',
    Args: [c.name],
    State: state,
    Image: imageId(c.spec.image),
    ResolvConfPath: `/var/lib/docker/containers/${c.id}/resolv.conf`,
    HostnamePath: `/var/lib/docker/containers/${c.id}/hostname`,
    HostsPath: `/var/lib/docker/containers/${c.id}/hosts`,
    LogPath: `/var/lib/docker/containers/${c.id}/${c.id}-json.log`,
    Name: `/${c.name}`,
    RestartCount: c.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: execIds.length ? execIds : null,
    HostConfig: {
      RestartPolicy: { Name: c.spec.restartPolicy ?? 'always', MaximumRetryCount: 0 },
      NetworkMode: NETWORK,
      AutoRemove: false,
      LogConfig: { Type: 'json-file', Config: {} },
    },
    Mounts: [],
    Config: {
      Hostname: c.id.slice(0, 12),
      Domainname: '',
      User: '',
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      Tty: c.spec.tty === true,
      OpenStdin: false,
      StdinOnce: false,
      Env: env,
      Cmd: [c.name],
      Image: c.spec.image,
      Volumes: null,
      WorkingDir: c.workingDir,
      Entrypoint: ['/entrypoint'],
      OnBuild: null,
      Labels: { ...(c.spec.labels ?? {}) },
      ...(c.spec.healthcheck ? { Healthcheck: { Test: ['CMD-SHELL', 'demo healthcheck'], Interval: 30_000_000_000 } } : {}),
    },
    NetworkSettings: {
      Bridge: '',
      SandboxID: c.status === 'running' ? createHash('sha256').update(`sb:${c.id}:${c.startedAt}`).digest('hex') : '',
      Ports: {},
      Networks: networks(c),
    },
  };
}

/** Applies GET /containers/json filters (name, id, status, label, health). */
export function listFilterMatches(c: VirtualContainer, filters: Record<string, string[]>): boolean {
  const anyOf = (key: string, test: (v: string) => boolean) => !filters[key]?.length || (filters[key] ?? []).some(test);
  const nameTest = (v: string) => {
    try {
      const re = new RegExp(v);
      return re.test(`/${c.name}`) || re.test(c.name);
    } catch {
      return c.name.includes(v);
    }
  };
  return (
    anyOf('name', nameTest) &&
    anyOf('id', (v) => c.id.startsWith(v)) &&
    anyOf('status', (v) => v === c.status) &&
    anyOf('health', (v) => v === (c.health ?? 'none')) &&
    (filters.label ?? []).every((l) => {
      const labels = c.spec.labels ?? {};
      const eq = l.indexOf('=');
      return eq === -1 ? l in labels : labels[l.slice(0, eq)] === l.slice(eq + 1);
    })
  );
}

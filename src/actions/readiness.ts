import type { Config } from '../config/schema.js';
import type { Contract } from '../contract/types.js';
import type { CheckResult } from '../state/checks.js';
import { isLive, silence } from '../state/conn.js';
import type { CockpitState } from '../state/store.js';

export type PathState = 'ok' | 'fail' | 'unverified';

export interface StopPath {
  id: 'nats-halt' | 'halt-file' | 'kill-switch' | 'breaker-reset';
  label: string;
  /** ok only when every check it needs said ok; unverified when one could not say. */
  state: PathState;
  ok: boolean;
  detail: string;
}

const path = (id: StopPath['id'], label: string, state: PathState, detail: string): StopPath => ({
  id,
  label,
  state,
  ok: state === 'ok',
  detail,
});

/** A check that has not answered yet, or could not, is never read as ok. */
function fromCheck(check: CheckResult | undefined, pending: string): { state: PathState; detail: string } {
  if (!check) return { state: 'unverified', detail: pending };
  return { state: check.state === 'ok' ? 'ok' : check.state === 'failed' ? 'fail' : 'unverified', detail: check.detail };
}

/**
 * Evaluates, from what the cockpit knows right now, whether each stop path would work: the
 * connection, the permission to publish the halt (server's word), its consumer (execution running),
 * brain's acceptance of the reset's credentials. Pure: the header, `doctor` and the prompts use it.
 */
export function evaluateReadiness(s: CockpitState, contract: Contract, _config?: Config): StopPath[] {
  const execName = contract.containers.execution;
  const exec = s.containers.value.find((c) => c.name === execName);
  const brain = s.containers.value.find((c) => c.name === contract.containers.brain);
  const docker = s.connections.docker;
  const dockerUp = isLive(docker);
  // What is wrong with Docker when it is not live: its state and error, or its silence.
  const dockerWhy =
    docker.status === 'connected' && docker.silentSince !== undefined
      ? silence('Docker', docker.silentSince)
      : `Docker ${docker.status}${docker.error ? `: ${docker.error}` : ''}`;

  const nats = s.connections.nats;
  const denied = [contract.nats.halt.hard.subject, contract.nats.flatten.subject].filter((subj) => s.bus.denied[subj]);
  const permission = fromCheck(s.checks['nats-permission'], 'publish permission not checked yet');
  const natsPath =
    nats.status !== 'connected'
      ? path('nats-halt', 'NATS halt', 'fail', `NATS ${nats.status}${nats.error ? `: ${nats.error}` : ''}`)
      : nats.silentSince !== undefined
        ? path('nats-halt', 'NATS halt', 'fail', `${silence('NATS', nats.silentSince)}; a halt sent now may not get through`)
        : denied.length
          ? path(
              'nats-halt',
              'NATS halt',
              'fail',
              `publish denied on ${denied.join(', ')} (use a user allowed to publish commands, like prod user brain)`,
            )
          : dockerUp && exec?.state !== 'running'
            ? path('nats-halt', 'NATS halt', 'fail', `${execName} ${exec ? `is ${exec.state}` : 'not found'}: nothing consumes the halt`)
            : !dockerUp
              ? path('nats-halt', 'NATS halt', 'unverified', `its consumer ${execName} cannot be seen (${dockerWhy}); ${permission.detail}`)
              : path('nats-halt', 'NATS halt', permission.state, permission.detail);

  const fileState: PathState = dockerUp && exec?.state === 'running' ? 'ok' : 'fail';
  const fileDetail = !dockerUp
    ? dockerWhy
    : !exec
      ? `container ${execName} not found`
      : exec.state !== 'running'
        ? `${execName} is ${exec.state}`
        : `${execName} running; file takes effect on restart`;
  const killState: PathState = dockerUp && exec && brain ? 'ok' : 'fail';
  const killDetail = !dockerUp
    ? dockerWhy
    : !exec || !brain
      ? `missing container ${!exec ? execName : contract.containers.brain}`
      : `${execName}: ${exec.state}, ${contract.containers.brain}: ${brain.state}`;

  const brainConn = s.connections.brain;
  const credentials = fromCheck(s.checks['brain-credentials'], 'credentials not checked yet');
  const breakerPath =
    brainConn.status !== 'connected' && credentials.state !== 'fail'
      ? path('breaker-reset', 'breaker reset', 'fail', `brain ${brainConn.status}${brainConn.error ? `: ${brainConn.error}` : ''}`)
      : path('breaker-reset', 'breaker reset', credentials.state, credentials.detail);

  return [
    natsPath,
    path('halt-file', 'halt file', fileState, fileDetail),
    path('kill-switch', 'kill switch', killState, killDetail),
    breakerPath,
  ];
}

/** The emergency stop has a working path when NATS can halt or Docker can reach execution. */
export const emergencyStopAvailable = (paths: StopPath[]) =>
  paths.some((p) => (p.id === 'nats-halt' || p.id === 'halt-file' || p.id === 'kill-switch') && p.ok);

/**
 * `doctor`'s exit code: 0 every path ready; 1 no stop path verified, or execution not running
 * (nothing would act on a halt); 4 degraded: a stop path works, but another failed or is unverified.
 */
export function doctorExitCode(paths: StopPath[], s: CockpitState, contract: Contract): 0 | 1 | 4 {
  const exec = s.containers.value.find((c) => c.name === contract.containers.execution);
  if (!emergencyStopAvailable(paths) || exec?.state !== 'running') return 1;
  return paths.every((p) => p.ok) ? 0 : 4;
}

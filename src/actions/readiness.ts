import type { Config } from '../config/schema.js';
import type { Contract } from '../contract/types.js';
import type { CockpitState } from '../state/store.js';

export interface StopPath {
  id: 'nats-halt' | 'halt-file' | 'kill-switch' | 'breaker-reset';
  label: string;
  ok: boolean;
  detail: string;
}

/**
 * Evaluates, from what the cockpit knows right now, whether each stop path would work.
 * Pure: the header, the doctor command and the prompts all use it.
 */
export function evaluateReadiness(s: CockpitState, contract: Contract, config: Config): StopPath[] {
  const nats = s.connections.nats;
  const denied = [contract.nats.halt.hard.subject, contract.nats.flatten.subject].filter((subj) => s.bus.denied[subj]);
  const natsOk = nats.status === 'connected' && denied.length === 0;
  const natsDetail =
    nats.status !== 'connected'
      ? `NATS ${nats.status}${nats.error ? `: ${nats.error}` : ''}`
      : denied.length
        ? `publish denied on ${denied.join(', ')} (use a user allowed to publish commands, like prod user brain)`
        : `connected to ${nats.endpoint ?? 'server'}`;

  const docker = s.connections.docker;
  const exec = s.containers.value.find((c) => c.name === contract.containers.execution);
  const brain = s.containers.value.find((c) => c.name === contract.containers.brain);
  const dockerUp = docker.status === 'connected';
  const fileOk = dockerUp && exec?.state === 'running';
  const fileDetail = !dockerUp
    ? `Docker ${docker.status}${docker.error ? `: ${docker.error}` : ''}`
    : !exec
      ? `container ${contract.containers.execution} not found`
      : exec.state !== 'running'
        ? `${contract.containers.execution} is ${exec.state}`
        : `${contract.containers.execution} running; file takes effect on restart`;
  const killOk = dockerUp && !!exec && !!brain;
  const killDetail = !dockerUp
    ? `Docker ${docker.status}`
    : !exec || !brain
      ? `missing container ${!exec ? contract.containers.execution : contract.containers.brain}`
      : `${contract.containers.execution}: ${exec.state}, ${contract.containers.brain}: ${brain.state}`;

  const route = contract.http.brain.breakerReset;
  const brainConn = s.connections.brain;
  const needHmac = route.auth.hmac && !config.brain.hmacSecret;
  const needJwt = route.auth.jwt && !config.brain.jwt && !config.brain.jwtSecret && !config.brain.hmacSecret;
  const breakerOk = brainConn.status === 'connected' && !needHmac && !needJwt;
  const breakerDetail = needHmac
    ? 'brain HMAC secret not configured (brain.hmacSecret)'
    : needJwt
      ? 'no admin JWT or JWT secret configured (brain.jwt / brain.jwtSecret)'
      : brainConn.status !== 'connected'
        ? `brain ${brainConn.status}${brainConn.error ? `: ${brainConn.error}` : ''}`
        : 'brain reachable, credentials configured';

  return [
    { id: 'nats-halt', label: 'NATS halt', ok: natsOk, detail: natsDetail },
    { id: 'halt-file', label: 'halt file', ok: fileOk, detail: fileDetail },
    { id: 'kill-switch', label: 'kill switch', ok: killOk, detail: killDetail },
    { id: 'breaker-reset', label: 'breaker reset', ok: breakerOk, detail: breakerDetail },
  ];
}

/** The emergency stop has a working path when NATS can halt or Docker can reach execution. */
export const emergencyStopAvailable = (paths: StopPath[]) =>
  paths.some((p) => (p.id === 'nats-halt' || p.id === 'halt-file' || p.id === 'kill-switch') && p.ok);

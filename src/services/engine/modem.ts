/**
 * The docker-modem for an endpoint: the one HTTP client every engine request goes through (the
 * Engine's, and the log worker's own). docker-modem directly, not dockerode: dockerode's only use
 * here was its `.modem`, and loading it loads gRPC and protobuf (BuildKit sessions) at start, about
 * 1 MB of code the cockpit never runs (bench/cockpit.bench.test.ts: start-up, idle RSS).
 */
import DockerModem from 'docker-modem';
import type { Modem } from './dial.js';
import { type EndpointInput, resolveEndpoint } from './endpoint.js';
import { SshTransport } from './ssh.js';

export interface ModemSetup {
  /** null when the endpoint configuration is unusable (configError says why). */
  modem: Modem | null;
  /** Where the engine is, for operators (no credentials). */
  display: string;
  configError: string | null;
  /** ssh:// only: the SSH connections every request runs over (close it with the engine). */
  ssh: SshTransport | null;
}

export function createModem(input: EndpointInput): ModemSetup {
  const resolved = resolveEndpoint(input);
  if (!resolved.ok) return { modem: null, display: resolved.display, configError: resolved.error, ssh: null };
  let ssh: SshTransport | null = null;
  try {
    ssh = resolved.endpoint.ssh ? new SshTransport(resolved.endpoint.ssh) : null;
    const options = ssh ? { ...resolved.endpoint.modem, agent: ssh.agent } : resolved.endpoint.modem;
    const modem = new DockerModem(options as DockerModem.ConstructorOptions) as unknown as Modem;
    return { modem, display: resolved.endpoint.display, configError: null, ssh };
  } catch (e) {
    return {
      modem: null,
      display: resolved.endpoint.display,
      configError: `Docker engine settings for ${resolved.endpoint.display} are unusable: ${(e as Error).message}`,
      ssh,
    };
  }
}

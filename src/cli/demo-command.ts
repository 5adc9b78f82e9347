import { homedir } from 'node:os';
import { join } from 'node:path';
import { startDemoVps } from '../../sim/demo-vps.js';
import { type LoadedConfig, loadConfig } from '../config/load.js';
import { createRuntime } from '../runtime.js';
import { runCockpit } from './cockpit-command.js';

/**
 * `titan-tui demo`: a simulated Titan VPS in this process (a NATS server, a Docker Engine API and
 * the simulated brain and execution services), with the cockpit's real clients pointed at it.
 */
export async function demoCommand(loaded: LoadedConfig): Promise<number> {
  const vps = await startDemoVps();
  try {
    const env = process.env;
    const demo = loadConfig({
      env: {
        ...env,
        TITAN_TUI_CONFIG: join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'titan-tui', 'demo-config.json'),
      },
      flags: {
        'nats-servers': vps.natsUrl,
        'nats-user': vps.natsUsers.brain.user,
        'nats-pass': vps.natsUsers.brain.pass,
        'docker-host': `unix://${vps.dockerSocket}`,
        'brain-url': vps.brainUrl,
        'execution-url': vps.executionUrl,
        'brain-hmac-secret': vps.hmacSecret,
        'brain-jwt-secret': vps.jwtSecret,
        'audit-dir': join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'titan-tui', 'demo'),
        'read-only': loaded.config.readOnly,
        operator: loaded.operator,
        profile: loaded.config.profile,
      },
    });
    const rt = createRuntime(demo);
    const code = await runCockpit(rt);
    return code;
  } finally {
    await Promise.race([vps.stop(), new Promise((r) => setTimeout(r, 2000))]);
    setTimeout(() => process.exit(0), 200).unref();
  }
}

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DemoSandbox } from '../../sim/demo-sandbox.js';
import type { DemoVps } from '../../sim/demo-vps.js';
import { type LoadedConfig, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { commandEnv } from '../procedures/settings.js';
import { createRuntime } from '../runtime.js';
import { runCockpit } from './cockpit-command.js';

/**
 * `titan-tui demo`: a simulated Titan VPS in this process (a NATS server, a Docker Engine API and
 * the simulated brain and execution services), with the cockpit's real clients pointed at it.
 * The runbook procedures act on a sandbox in a temporary folder (sim/demo-sandbox.ts), removed
 * when the demo ends: never on the current folder, the host's git remotes, compose or Docker.
 */
/**
 * The demo's configuration: the simulated VPS's endpoints and secrets, the demo's own audit folder
 * and optional config file (never the operator's), and procedures.* from the sandbox only.
 */
export function demoConfig(loaded: LoadedConfig, vps: DemoVps, sandbox: DemoSandbox, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const demo = loadConfig({
    // The demo's own optional config file, never the operator's (TITAN_TUI_CONFIG is ignored here).
    env: { ...env, TITAN_TUI_CONFIG: undefined },
    defaultConfigFile: join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'titan-tui', 'demo-config.json'),
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
  // Every path and command of the procedures points into the sandbox, whatever the demo config
  // file or TITAN_TUI_PROCEDURES_* say (all absolute: nothing resolves against the current folder).
  const config: Config = { ...demo.config, procedures: { ...demo.config.procedures, ...sandbox.procedures } };
  return { ...demo, config };
}

type SimModules = {
  startDemoVps: typeof import('../../sim/demo-vps.js').startDemoVps;
  createDemoSandbox: typeof import('../../sim/demo-sandbox.js').createDemoSandbox;
};

/**
 * The simulator is not part of the production bundle (dist/titan-tui.mjs): `titan-tui demo` loads
 * it from the compiled dist/sim/ at run time, found next to the bundle or to this module.
 */
async function loadSim(): Promise<SimModules> {
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = [join(here, 'sim'), join(here, '..', '..', 'sim')].find((d) => existsSync(join(d, 'demo-vps.js')));
  if (!dir) throw new Error('the simulator is not built (dist/sim/): run `npm run build` in the project folder');
  const load = (name: string) => import(pathToFileURL(join(dir, name)).href);
  const [vps, sandbox] = await Promise.all([load('demo-vps.js'), load('demo-sandbox.js')]);
  return { startDemoVps: vps.startDemoVps, createDemoSandbox: sandbox.createDemoSandbox };
}

export async function demoCommand(loaded: LoadedConfig): Promise<number> {
  const { startDemoVps, createDemoSandbox } = await loadSim();
  const vps = await startDemoVps();
  let sandbox: DemoSandbox | undefined;
  const removeSandbox = () => sandbox?.remove();
  // However the process ends after this point, the sandbox goes with it (finally below, or this hook).
  process.once('exit', removeSandbox);
  try {
    sandbox = createDemoSandbox(vps);
    const demo = demoConfig(loaded, vps, sandbox);
    const rt = createRuntime(demo);
    return await runCockpit(rt, { sandbox: { description: sandbox.description, env: sandbox.hostEnv(commandEnv(demo.config)) } });
  } finally {
    removeSandbox();
    process.off('exit', removeSandbox);
    await Promise.race([vps.stop(), new Promise((r) => setTimeout(r, 2000))]);
    setTimeout(() => process.exit(0), 200).unref();
  }
}

/**
 * The demo sandbox's stand-in for `docker compose`: the verbs the procedures use (version, ps, up,
 * down), acted out on the demo's simulated engine (docker-lite) through its Docker Engine API on
 * the unix socket named by DOCKER_HOST. It reads the project from `-f FILE` (a JSON compose file:
 * services with image and container_name) and `-p NAME`.
 *
 * Self-contained on purpose (Node built-ins only): the demo copies the compiled file into its
 * sandbox and runs it there as `node compose.mjs [-f FILE] [-p NAME] VERB ...`.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';

interface Service {
  name: string;
  image: string;
  container: string;
}

interface Project {
  name: string;
  services: Service[];
}

interface ListedContainer {
  Id: string;
  Names: string[];
  State: string;
  Status: string;
  Labels: Record<string, string>;
}

const SOCKET = (process.env.DOCKER_HOST ?? '').replace(/^unix:\/\//, '');
const STOP_TIMEOUT_SEC = 10;

class ComposeError extends Error {}

const progress = (line: string) => process.stderr.write(`${line}\n`);

/** One Engine API call; resolves the status and the parsed JSON body (if any). */
function engine(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        socketPath: SOCKET,
        method,
        path: `/v1.41${path}`,
        headers: data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            json = text;
          }
          const status = res.statusCode ?? 0;
          if (status >= 400) {
            const message = (json as { message?: string } | null)?.message ?? text;
            reject(new ComposeError(`Error response from daemon: ${message}`));
          } else resolve({ status, json });
        });
      },
    );
    req.on('error', () =>
      reject(new ComposeError(`Cannot connect to the Docker daemon at unix://${SOCKET}. Is the docker daemon running?`)),
    );
    req.end(data);
  });
}

function readProject(file: string | undefined, projectName: string | undefined): Project {
  if (!file) throw new ComposeError('no compose file: pass -f FILE (the demo sandbox passes its docker-compose.json)');
  let doc: { name?: string; services?: Record<string, { image?: string; container_name?: string }> };
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ComposeError(`cannot read the compose file ${file}: ${(e as Error).message}`);
  }
  const name = projectName ?? doc.name ?? 'titan';
  const services = Object.entries(doc.services ?? {}).map(([service, def]) => ({
    name: service,
    image: def.image ?? '',
    container: def.container_name ?? `${name}-${service}-1`,
  }));
  return { name, services };
}

/** The project's containers, of the given services (all when none), running only unless `all`. */
async function containersOf(project: Project, services: string[], all: boolean): Promise<ListedContainer[]> {
  const filters = JSON.stringify({ label: [`com.docker.compose.project=${project.name}`] });
  const { json } = await engine('GET', `/containers/json?all=${all ? 1 : 0}&filters=${encodeURIComponent(filters)}`);
  const list = (json as ListedContainer[]).filter(
    (c) => services.length === 0 || services.includes(c.Labels['com.docker.compose.service'] ?? ''),
  );
  // Compose lists by service order of the file.
  const order = (c: ListedContainer) => project.services.findIndex((s) => s.name === c.Labels['com.docker.compose.service']);
  return list.sort((a, b) => order(a) - order(b));
}

function pickServices(project: Project, names: string[]): Service[] {
  for (const n of names) {
    if (!project.services.some((s) => s.name === n)) throw new ComposeError(`no such service: ${n}`);
  }
  return names.length ? project.services.filter((s) => names.includes(s.name)) : project.services;
}

const nameOf = (c: ListedContainer) => (c.Names[0] ?? c.Id).replace(/^\//, '');

async function stopAndRemove(c: ListedContainer): Promise<void> {
  const name = nameOf(c);
  if (c.State === 'running' || c.State === 'restarting') {
    progress(` Container ${name}  Stopping`);
    await engine('POST', `/containers/${c.Id}/stop?t=${STOP_TIMEOUT_SEC}`);
    progress(` Container ${name}  Stopped`);
  }
  progress(` Container ${name}  Removing`);
  await engine('DELETE', `/containers/${c.Id}`);
  progress(` Container ${name}  Removed`);
}

async function createAndStart(project: Project, s: Service, verb: 'Creat' | 'Recreat'): Promise<void> {
  progress(` Container ${s.container}  ${verb}e`);
  const labels = {
    'com.docker.compose.project': project.name,
    'com.docker.compose.service': s.name,
    'com.docker.compose.container-number': '1',
    'com.docker.compose.oneoff': 'False',
  };
  const { json } = await engine('POST', `/containers/create?name=${encodeURIComponent(s.container)}`, { Image: s.image, Labels: labels });
  progress(` Container ${s.container}  ${verb}ed`);
  progress(` Container ${s.container}  Starting`);
  await engine('POST', `/containers/${(json as { Id: string }).Id}/start`);
  progress(` Container ${s.container}  Started`);
}

async function up(project: Project, args: string[]): Promise<void> {
  const flags = args.filter((a) => a.startsWith('-'));
  const unknown = flags.filter((f) => !['-d', '--detach', '--force-recreate'].includes(f));
  if (unknown.length) throw new ComposeError(`up: the demo's stand-in compose does not know ${unknown.join(' ')}`);
  if (!flags.includes('-d') && !flags.includes('--detach')) throw new ComposeError('up: the demo stand-in only runs detached (-d)');
  const force = flags.includes('--force-recreate');
  for (const s of pickServices(
    project,
    args.filter((a) => !a.startsWith('-')),
  )) {
    const existing = await containersOf(project, [s.name], true);
    if (existing.length === 0) {
      await createAndStart(project, s, 'Creat');
    } else if (force) {
      for (const c of existing) await stopAndRemove(c);
      await createAndStart(project, s, 'Recreat');
    } else {
      for (const c of existing) {
        if (c.State === 'running') progress(` Container ${nameOf(c)}  Running`);
        else {
          progress(` Container ${nameOf(c)}  Starting`);
          await engine('POST', `/containers/${c.Id}/start`);
          progress(` Container ${nameOf(c)}  Started`);
        }
      }
    }
  }
}

async function down(project: Project, args: string[]): Promise<void> {
  if (args.length) throw new ComposeError(`down: the demo's stand-in compose takes no options (${args.join(' ')})`);
  // Reverse file order: dependants first, the bus and the databases last.
  for (const c of (await containersOf(project, [], true)).reverse()) await stopAndRemove(c);
}

async function ps(project: Project, args: string[]): Promise<void> {
  const quiet = args.includes('-q') || args.includes('--quiet');
  const all = args.includes('-a') || args.includes('--all');
  const services = args.filter((a) => !a.startsWith('-'));
  pickServices(project, services);
  const list = await containersOf(project, services, all);
  if (quiet) {
    for (const c of list) process.stdout.write(`${c.Id}\n`);
    return;
  }
  process.stdout.write(`${'NAME'.padEnd(28)}${'SERVICE'.padEnd(20)}STATUS\n`);
  for (const c of list) {
    process.stdout.write(`${nameOf(c).padEnd(28)}${(c.Labels['com.docker.compose.service'] ?? '').padEnd(20)}${c.Status}\n`);
  }
}

async function main(argv: string[]): Promise<number> {
  let file: string | undefined;
  let projectName: string | undefined;
  const rest = [...argv];
  while (rest[0]?.startsWith('-')) {
    const opt = rest.shift() as string;
    if (opt === '-f' || opt === '--file') file = rest.shift();
    else if (opt === '-p' || opt === '--project-name') projectName = rest.shift();
    else throw new ComposeError(`the demo's stand-in compose does not know the option ${opt}`);
  }
  const [verb, ...args] = rest;
  if (verb === 'version') {
    process.stdout.write("Docker Compose version v2 (titan-tui demo stand-in: acts on the demo's simulated engine only)\n");
    return 0;
  }
  if (!SOCKET.startsWith('/'))
    throw new ComposeError(`DOCKER_HOST must be the demo engine's unix socket, not ${JSON.stringify(process.env.DOCKER_HOST ?? '')}`);
  const project = readProject(file, projectName);
  switch (verb) {
    case 'ps':
      await ps(project, args);
      return 0;
    case 'up':
    case 'down':
      progress(`(demo stand-in compose: project ${project.name} on the simulated engine unix://${SOCKET}; nothing on this host changes)`);
      await (verb === 'up' ? up(project, args) : down(project, args));
      return 0;
    default:
      throw new ComposeError(`the demo's stand-in compose knows version, ps, up and down, not ${JSON.stringify(verb ?? '')}`);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`${e instanceof ComposeError ? e.message : `demo stand-in compose: ${(e as Error)?.stack ?? String(e)}`}\n`);
  process.exitCode = 1;
}

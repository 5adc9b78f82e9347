/** `docker exec` through the API: create, attach (hijacked connection), feed stdin, collect output, read the exit code. */
import type { Duplex } from 'node:stream';
import { type Caller, containerPath, DEFAULT_TIMEOUT_MS } from './call.js';
import { StdDemuxer } from './demux.js';
import { EngineError, type EngineResult } from './errors.js';

export interface ExecOptions {
  stdin?: string;
  timeoutMs?: number;
  user?: string;
}

export interface ExecOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Output kept per stream; a runaway command must not fill the cockpit's memory. */
const MAX_OUTPUT = 1024 * 1024;

function collect(socket: Duplex, signal: AbortSignal): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const out: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] };
    const size = { stdout: 0, stderr: 0 };
    const demux = new StdDemuxer((stream, payload) => {
      if (size[stream] >= MAX_OUTPUT) return;
      out[stream].push(payload);
      size[stream] += payload.length;
    });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      const text = (s: 'stdout' | 'stderr') => Buffer.concat(out[s]).subarray(0, MAX_OUTPUT).toString('utf8');
      resolve({ stdout: text('stdout'), stderr: text('stderr') });
    };
    const onAbort = () => {
      socket.destroy();
      if (!done) {
        done = true;
        reject(signal.reason);
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('data', (chunk: Buffer) => demux.push(chunk));
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', (e) => {
      if (!done) {
        done = true;
        signal.removeEventListener('abort', onAbort);
        reject(e);
      }
    });
  });
}

export async function runExec(caller: Caller, name: string, cmd: string[], opts: ExecOptions = {}): Promise<EngineResult<ExecOutput>> {
  const op = `exec ${cmd[0] ?? ''} in ${name}`;
  return await caller.run(op, name, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, async (signal) => {
    const created = await caller.dial<{ Id?: unknown }>(
      {
        method: 'POST',
        path: containerPath(name, '/exec'),
        body: {
          AttachStdin: opts.stdin !== undefined,
          AttachStdout: true,
          AttachStderr: true,
          Tty: false,
          Cmd: cmd,
          ...(opts.user ? { User: opts.user } : {}),
        },
        ok: [201],
      },
      signal,
    );
    const id = typeof created?.Id === 'string' ? created.Id : '';
    if (!id) throw new EngineError('error', `${op}: the engine did not return an exec id`);
    const socket = await caller.dial<Duplex>(
      { method: 'POST', path: `/exec/${id}/start`, body: { Detach: false, Tty: false }, hijack: true, ok: [200, 101] },
      signal,
    );
    const output = collect(socket, signal);
    // Half-close after stdin: the command sees EOF while its output still flows back.
    if (opts.stdin !== undefined) socket.end(opts.stdin);
    const { stdout, stderr } = await output;
    // The exit code can lag the end of the stream by a moment.
    for (;;) {
      const info = await caller.dial<{ Running?: unknown; ExitCode?: unknown }>(
        { method: 'GET', path: `/exec/${id}/json`, ok: [200] },
        signal,
      );
      if (info?.Running !== true && typeof info?.ExitCode === 'number') return { exitCode: info.ExitCode, stdout, stderr };
      // Killed with its container: no exit code will ever come.
      if (info?.Running === false && info.ExitCode == null)
        throw new EngineError('error', `${op}: the command was cut off (container stopped?)`);
      await new Promise((r) => setTimeout(r, 20));
    }
  });
}

/**
 * A toy `sh` for `docker exec` in demo containers. It runs the handful of
 * commands an operator (or the cockpit) uses on lock files and health
 * endpoints: rm, test/[, cat, tee (with stdin), echo, printf, touch, ls, mkdir, true/false,
 * exit, curl, wget; joined by && || ; with > >> 2> 2>&1 redirections.
 * Anything else exits 127 with "not supported in demo", so a surprise is loud.
 */
import type { VirtualFs } from './vfs.js';

export interface ShellContext {
  fs: VirtualFs;
  cwd: string;
  env: Record<string, string>;
  /** Maps a container port (e.g. 3100) to the host port the simulated service really listens on. */
  localPorts: Record<number, number>;
  /** What the client sent on the exec's stdin; the first command that reads it consumes it. */
  stdin?: { data: string };
}

export interface ShellResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

interface Io {
  out: string[];
  err: string[];
}

type Token = { op: string } | { word: string };

class Unsupported extends Error {}

/** Splits a `sh -c` script into words and operators, honouring quotes and $VAR expansion. */
function tokenize(script: string, env: Record<string, string>): Token[] {
  const tokens: Token[] = [];
  let word = '';
  let inWord = false;
  const flush = () => {
    if (inWord) tokens.push({ word });
    word = '';
    inWord = false;
  };
  const expand = (i: number): [string, number] => {
    const rest = script.slice(i + 1);
    if (rest.startsWith('(')) throw new Unsupported('command substitution $(...)');
    const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest);
    if (braced) return [env[braced[1] as string] ?? '', i + 1 + braced[0].length];
    const plain = /^[A-Za-z_][A-Za-z0-9_]*|^\?/.exec(rest);
    if (plain) return [env[plain[0]] ?? '', i + 1 + plain[0].length];
    return ['$', i + 1];
  };
  let i = 0;
  while (i < script.length) {
    const c = script[i] as string;
    if (c === "'") {
      const end = script.indexOf("'", i + 1);
      if (end === -1) throw new Error('Syntax error: Unterminated quoted string');
      word += script.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      inWord = true;
      i++;
      while (i < script.length && script[i] !== '"') {
        const d = script[i] as string;
        if (d === '\\' && i + 1 < script.length && '"\\$`'.includes(script[i + 1] as string)) {
          word += script[i + 1];
          i += 2;
        } else if (d === '$') {
          const [v, next] = expand(i);
          word += v;
          i = next;
        } else if (d === '`') {
          throw new Unsupported('command substitution `...`');
        } else {
          word += d;
          i++;
        }
      }
      if (i >= script.length) throw new Error('Syntax error: Unterminated quoted string');
      i++;
    } else if (c === '\\' && i + 1 < script.length) {
      word += script[i + 1];
      inWord = true;
      i += 2;
    } else if (c === '$') {
      const [v, next] = expand(i);
      word += v;
      inWord = true;
      i = next;
    } else if (c === '`') {
      throw new Unsupported('command substitution `...`');
    } else if (/\s/.test(c)) {
      flush();
      i++;
    } else {
      const op = ['2>&1', '&&', '||', '>>', '2>>', '2>', ';', '>', '|', '&', '<'].find((o) => script.startsWith(o, i));
      // `2>` only counts as an operator at the start of a word.
      if (op && !(op.startsWith('2') && inWord)) {
        flush();
        tokens.push({ op });
        i += op.length;
      } else {
        word += c;
        inWord = true;
        i++;
      }
    }
  }
  flush();
  return tokens;
}

interface Simple {
  argv: string[];
  stdout?: { path: string; append: boolean };
  stderr?: { path: string; append: boolean } | 'stdout';
}

interface Step {
  joiner: ';' | '&&' | '||';
  cmd: Simple;
}

function parse(tokens: Token[]): Step[] {
  const steps: Step[] = [];
  let joiner: Step['joiner'] = ';';
  let cur: Simple = { argv: [] };
  const end = (next: Step['joiner']) => {
    if (cur.argv.length === 0) throw new Error(`Syntax error: "${next}" unexpected`);
    steps.push({ joiner, cmd: cur });
    cur = { argv: [] };
    joiner = next;
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if ('word' in t) {
      cur.argv.push(t.word);
      continue;
    }
    if (t.op === ';' || t.op === '&&' || t.op === '||') {
      end(t.op);
      continue;
    }
    if (t.op === '2>&1') {
      cur.stderr = 'stdout';
      continue;
    }
    if (t.op === '>' || t.op === '>>' || t.op === '2>' || t.op === '2>>') {
      const target = tokens[i + 1];
      if (!target || !('word' in target)) throw new Error('Syntax error: redirection without a file');
      i++;
      const r = { path: target.word, append: t.op.endsWith('>>') };
      if (t.op.startsWith('2')) cur.stderr = r;
      else cur.stdout = r;
      continue;
    }
    throw new Unsupported(`operator "${t.op}"`);
  }
  if (cur.argv.length > 0) steps.push({ joiner, cmd: cur });
  return steps;
}

async function httpGet(args: string[], ctx: ShellContext, io: Io, tool: 'curl' | 'wget'): Promise<number> {
  let method = 'GET';
  let failOnError = false;
  let silent = false;
  let showError = false;
  let spider = false;
  let writeOut: string | undefined;
  let discard = false;
  let body: string | undefined;
  const headers: Record<string, string> = {};
  let url: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const next = () => args[++i] ?? '';
    if (a === '-X' || a === '--request') method = next();
    else if (a === '-H' || a === '--header') {
      const [k, ...v] = next().split(':');
      if (k) headers[k.trim()] = v.join(':').trim();
    } else if (a === '-d' || a === '--data' || a === '--data-raw') {
      body = next();
      if (method === 'GET') method = 'POST';
    } else if (a === '-o' || a === '-O') discard = next() === '/dev/null';
    else if (a === '-qO-' || a === '-qO' || a === '-q') silent = true;
    else if (a === '--spider') spider = true;
    else if (a === '-w' || a === '--write-out') writeOut = next();
    else if (a === '-m' || a === '--max-time' || a === '-T' || a === '--timeout') next();
    else if (a === '--fail') failOnError = true;
    else if (a === '--silent') silent = true;
    else if (/^-[sSfL]+$/.test(a)) {
      if (a.includes('f')) failOnError = true;
      if (a.includes('s')) silent = true;
      if (a.includes('S')) showError = true;
    } else if (!a.startsWith('-')) url = a;
  }
  if (!url) {
    io.err.push(`${tool}: no URL specified\n`);
    return 2;
  }
  const parsed = URL.canParse(/^[a-z]+:\/\//.test(url) ? url : `http://${url}`)
    ? new URL(/^[a-z]+:\/\//.test(url) ? url : `http://${url}`)
    : undefined;
  const complain = (code: number, text: string) => {
    if (tool === 'wget') io.err.push(`wget: ${text}\n`);
    else if (!silent || showError) io.err.push(`curl: (${code}) ${text}\n`);
    return tool === 'wget' ? 1 : code;
  };
  if (!parsed || !['localhost', '127.0.0.1', '0.0.0.0'].includes(parsed.hostname)) {
    return complain(6, `Could not resolve host: ${parsed?.hostname ?? url}`);
  }
  const port = Number(parsed.port || 80);
  const hostPort = ctx.localPorts[port];
  if (hostPort === undefined)
    return complain(7, `Failed to connect to ${parsed.hostname} port ${port} after 0 ms: Couldn't connect to server`);
  try {
    const res = await fetch(`http://127.0.0.1:${hostPort}${parsed.pathname}${parsed.search}`, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if ((failOnError || tool === 'wget') && res.status >= 400) {
      return complain(
        22,
        tool === 'wget' ? `server returned error: HTTP/1.1 ${res.status}` : `The requested URL returned error: ${res.status}`,
      );
    }
    if (!discard && !spider) io.out.push(text);
    if (writeOut) io.out.push(writeOut.replace('%{http_code}', String(res.status)).replace(/\\n/g, '\n'));
    return 0;
  } catch {
    return complain(7, `Failed to connect to ${parsed.hostname} port ${port} after 0 ms: Couldn't connect to server`);
  }
}

function testExpr(args: string[], ctx: ShellContext): number {
  const a = args[args.length - 1] === ']' ? args.slice(0, -1) : args;
  if (a[0] === '!') return testExpr(a.slice(1), ctx) === 0 ? 1 : 0;
  const [flag, operand] = a;
  const path = (p: string | undefined) => ctx.fs.resolve(p ?? '', ctx.cwd);
  switch (a.length === 2 ? flag : undefined) {
    case '-f':
      return ctx.fs.stat(path(operand))?.kind === 'file' ? 0 : 1;
    case '-d':
      return ctx.fs.stat(path(operand))?.kind === 'dir' ? 0 : 1;
    case '-e':
      return ctx.fs.exists(path(operand)) ? 0 : 1;
    case '-s':
      return (ctx.fs.stat(path(operand))?.size ?? 0) > 0 ? 0 : 1;
    case '-n':
      return (operand ?? '').length > 0 ? 0 : 1;
    case '-z':
      return (operand ?? '').length === 0 ? 0 : 1;
  }
  if (a.length === 1) return (flag ?? '').length > 0 ? 0 : 1;
  if (a.length === 3 && (a[1] === '=' || a[1] === '!=')) return (a[0] === a[2]) === (a[1] === '=') ? 0 : 1;
  throw new Unsupported(`test ${a.join(' ')}`);
}

function printfFormat(fmt: string, args: string[]): string {
  let i = 0;
  return fmt
    .replace(/%[sd%]/g, (m) => (m === '%%' ? '%' : (args[i++] ?? '')))
    .replace(/\\n/g, '\n')
    .replace(/\\t/g, '\t')
    .replace(/\\\\/g, '\\');
}

async function runSimple(argv: string[], ctx: ShellContext, io: Io): Promise<number> {
  const [cmd = '', ...args] = argv;
  const p = (x: string) => ctx.fs.resolve(x, ctx.cwd);
  switch (cmd.replace(/^\/(usr\/)?bin\//, '')) {
    case 'true':
    case ':':
      return 0;
    case 'false':
      return 1;
    case 'echo': {
      const noNewline = args[0] === '-n';
      io.out.push(`${(noNewline ? args.slice(1) : args).join(' ')}${noNewline ? '' : '\n'}`);
      return 0;
    }
    case 'printf':
      io.out.push(printfFormat(args[0] ?? '', args.slice(1)));
      return 0;
    case 'test':
    case '[':
      return testExpr(args, ctx);
    case 'cat': {
      let code = 0;
      for (const f of args.length ? args : ['-']) {
        if (f === '-') {
          io.out.push(readStdin(ctx));
          continue;
        }
        const st = ctx.fs.stat(p(f));
        if (st?.kind === 'dir') {
          io.err.push(`cat: ${f}: Is a directory\n`);
          code = 1;
        } else if (!st) {
          io.err.push(`cat: ${f}: No such file or directory\n`);
          code = 1;
        } else io.out.push((ctx.fs.readFile(p(f)) ?? Buffer.alloc(0)).toString('utf8'));
      }
      return code;
    }
    case 'rm': {
      const force = args.some((a) => /^-[rRf]*f[rRf]*$/.test(a));
      let code = 0;
      for (const f of args.filter((a) => !a.startsWith('-'))) {
        const st = ctx.fs.stat(p(f));
        if (st?.kind === 'dir') {
          io.err.push(`rm: cannot remove '${f}': Is a directory\n`);
          code = 1;
        } else if (!ctx.fs.unlink(p(f)) && !force) {
          io.err.push(`rm: cannot remove '${f}': No such file or directory\n`);
          code = 1;
        }
      }
      return code;
    }
    case 'tee': {
      const input = readStdin(ctx);
      const append = args.includes('-a');
      for (const f of args.filter((a) => !a.startsWith('-'))) {
        if (!writeRedirect(ctx, { path: f, append }, input, io)) return 1;
      }
      io.out.push(input);
      return 0;
    }
    case 'touch':
      for (const f of args) {
        const existing = ctx.fs.readFile(p(f));
        ctx.fs.writeFile(p(f), existing ?? '');
      }
      return 0;
    case 'mkdir':
      for (const d of args.filter((a) => !a.startsWith('-'))) ctx.fs.mkdirp(p(d));
      return 0;
    case 'ls': {
      const targets = args.filter((a) => !a.startsWith('-'));
      for (const t of targets.length ? targets : ['.']) {
        const st = ctx.fs.stat(p(t));
        if (!st) {
          io.err.push(`ls: cannot access '${t}': No such file or directory\n`);
          return 2;
        }
        io.out.push(
          st.kind === 'file'
            ? `${t}\n`
            : ctx.fs
                .list(p(t))
                .map((n) => `${n}\n`)
                .join(''),
        );
      }
      return 0;
    }
    case 'exit':
      return Number(args[0] ?? 0) || 0;
    case 'curl':
      return await httpGet(args, ctx, io, 'curl');
    case 'wget':
      return await httpGet(args, ctx, io, 'wget');
    case 'sh':
    case 'bash':
      if (args[0] === '-c' && args[1] !== undefined) return await runScript(args[1], ctx, io);
      throw new Unsupported(`${cmd} ${args.join(' ')}`);
    default:
      throw new Unsupported(cmd);
  }
}

function readStdin(ctx: ShellContext): string {
  const data = ctx.stdin?.data ?? '';
  if (ctx.stdin) ctx.stdin.data = '';
  return data;
}

function writeRedirect(ctx: ShellContext, target: { path: string; append: boolean }, text: string, io: Io): boolean {
  if (target.path === '/dev/null') return true;
  const path = ctx.fs.resolve(target.path, ctx.cwd);
  try {
    const before = target.append ? (ctx.fs.readFile(path)?.toString('utf8') ?? '') : '';
    ctx.fs.writeFile(path, before + text);
    return true;
  } catch {
    io.err.push(`sh: 1: cannot create ${target.path}: Directory nonexistent\n`);
    return false;
  }
}

async function runScript(script: string, ctx: ShellContext, io: Io): Promise<number> {
  let steps: Step[];
  try {
    steps = parse(tokenize(script, ctx.env));
  } catch (e) {
    if (e instanceof Unsupported) throw e;
    io.err.push(`sh: 1: ${(e as Error).message}\n`);
    return 2;
  }
  let code = 0;
  for (const { joiner, cmd } of steps) {
    if (joiner === '&&' && code !== 0) continue;
    if (joiner === '||' && code === 0) continue;
    const sub: Io = { out: [], err: [] };
    code = await runSimple(cmd.argv, { ...ctx, env: { ...ctx.env, '?': String(code) } }, sub);
    if (cmd.argv[0] === 'exit') return code;
    const errText = sub.err.join('');
    const outText = sub.out.join('') + (cmd.stderr === 'stdout' ? errText : '');
    if (cmd.stdout) {
      if (!writeRedirect(ctx, cmd.stdout, outText, io)) code = 2;
    } else io.out.push(outText);
    if (cmd.stderr && cmd.stderr !== 'stdout') writeRedirect(ctx, cmd.stderr, errText, io);
    else if (cmd.stderr !== 'stdout') io.err.push(errText);
  }
  return code;
}

/** Runs an exec's Cmd (argv) against the container's virtual filesystem. Never throws. */
export async function runExec(argv: string[], ctx: ShellContext): Promise<ShellResult> {
  const io: Io = { out: [], err: [] };
  let exitCode: number;
  try {
    exitCode = await runSimple(argv, ctx, io);
  } catch (e) {
    if (e instanceof Unsupported) {
      io.err.push(
        `${e.message}: not supported in demo (docker-lite runs only rm, test, cat, tee, echo, printf, touch, ls, mkdir, curl, wget)\n`,
      );
      exitCode = 127;
    } else {
      io.err.push(`${argv[0] ?? 'exec'}: ${(e as Error).message}\n`);
      exitCode = 1;
    }
  }
  return { stdout: io.out.join(''), stderr: io.err.join(''), exitCode };
}

/**
 * nats-lite: a tiny in-process NATS server for the cockpit's demo mode only.
 * It speaks the real client protocol (INFO/CONNECT/PUB/HPUB/SUB/UNSUB/PING/PONG,
 * MSG/HMSG, no-responders) so the cockpit keeps using @nats-io/transport-node
 * unchanged. No JetStream, no clustering, no TLS. Tests use the real nats-server.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { isLiteralSubject, isValidSubject, subjectIsSubset, subjectMatches } from './nats-subjects.js';

export interface NatsLiteUser {
  user: string;
  pass: string;
  /** Allowed publish subjects (wildcards ok). Absent = everything. */
  publish?: string[];
  /** Allowed subscribe subjects (wildcards ok). Absent = everything. */
  subscribe?: string[];
}

export interface NatsLiteOptions {
  /** 0 or absent = any free port. */
  port?: number;
  host?: string;
  users: NatsLiteUser[];
  maxPayload?: number;
}

export interface NatsLite {
  url: string;
  port: number;
  /** Connections that completed CONNECT (for tests and the demo's status line). */
  clientCount(): number;
  stop(): Promise<void>;
}

const CRLF = '\r\n';
const MAX_CONTROL_LINE = 4096;
const AUTH_TIMEOUT_MS = 2000;
const NO_RESPONDERS = Buffer.from('NATS/1.0 503\r\n\r\n');

interface Subscription {
  conn: Connection;
  sid: string;
  subject: string;
  queue: string | undefined;
  max: number | undefined;
  delivered: number;
}

/** A PUB/HPUB whose control line was read and whose payload has not fully arrived. */
interface PendingPublish {
  subject: string;
  reply: string | undefined;
  headerBytes: number;
  totalBytes: number;
}

class Broker {
  readonly subs = new Set<Subscription>();

  route(from: Connection, subject: string, reply: string | undefined, header: Buffer | undefined, payload: Buffer): void {
    const targets: Subscription[] = [];
    const groups = new Map<string, Subscription[]>();
    for (const sub of this.subs) {
      if (sub.conn === from && !from.echo) continue;
      if (!subjectMatches(sub.subject, subject)) continue;
      if (sub.queue === undefined) targets.push(sub);
      else {
        const g = groups.get(sub.queue) ?? [];
        g.push(sub);
        groups.set(sub.queue, g);
      }
    }
    for (const members of groups.values()) {
      const pick = members[Math.floor(Math.random() * members.length)];
      if (pick) targets.push(pick);
    }
    for (const sub of targets) this.deliver(sub, subject, reply, header, payload);
    if (targets.length === 0 && reply !== undefined && from.noResponders) this.noResponders(from, reply);
  }

  /** What a real server does for a request nobody listens to: a 503 status on the requester's inbox. */
  private noResponders(from: Connection, reply: string): void {
    for (const sub of this.subs) {
      if (sub.conn === from && subjectMatches(sub.subject, reply)) {
        this.deliver(sub, reply, undefined, NO_RESPONDERS, Buffer.alloc(0));
        return;
      }
    }
  }

  private deliver(sub: Subscription, subject: string, reply: string | undefined, header: Buffer | undefined, payload: Buffer): void {
    sub.delivered++;
    sub.conn.sendMsg(sub.sid, subject, reply, header, payload);
    if (sub.max !== undefined && sub.delivered >= sub.max) this.subs.delete(sub);
  }

  dropConnection(conn: Connection): void {
    for (const sub of this.subs) if (sub.conn === conn) this.subs.delete(sub);
  }
}

class Connection {
  echo = true;
  noResponders = false;
  headers = false;
  private user: NatsLiteUser | undefined;
  private buf: Buffer = Buffer.alloc(0);
  private pending: PendingPublish | undefined;
  private closed = false;
  private readonly authTimer: NodeJS.Timeout;
  private readonly socket: Socket;
  private readonly broker: Broker;
  private readonly users: NatsLiteUser[];
  private readonly maxPayload: number;

  constructor(socket: Socket, broker: Broker, users: NatsLiteUser[], maxPayload: number, info: Record<string, unknown>) {
    this.socket = socket;
    this.broker = broker;
    this.users = users;
    this.maxPayload = maxPayload;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    this.write(`INFO ${JSON.stringify(info)}${CRLF}`);
    this.authTimer = setTimeout(() => this.fatal('Authentication Timeout'), AUTH_TIMEOUT_MS);
  }

  get authenticated(): boolean {
    return this.user !== undefined;
  }

  sendMsg(sid: string, subject: string, reply: string | undefined, header: Buffer | undefined, payload: Buffer): void {
    const r = reply ? ` ${reply}` : '';
    // Clients that did not announce header support get the payload only, as with the real server.
    if (header && this.headers) {
      const total = header.length + payload.length;
      this.write(
        Buffer.concat([Buffer.from(`HMSG ${subject} ${sid}${r} ${header.length} ${total}${CRLF}`), header, payload, Buffer.from(CRLF)]),
      );
    } else {
      this.write(Buffer.concat([Buffer.from(`MSG ${subject} ${sid}${r} ${payload.length}${CRLF}`), payload, Buffer.from(CRLF)]));
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.authTimer);
    this.broker.dropConnection(this);
    this.socket.destroy();
  }

  private write(data: string | Buffer): void {
    if (!this.closed && this.socket.writable) this.socket.write(data);
  }

  private err(text: string): void {
    this.write(`-ERR '${text}'${CRLF}`);
  }

  /** Errors after which the real server drops the connection. */
  private fatal(text: string): void {
    if (this.closed) return;
    this.err(text);
    this.closed = true;
    clearTimeout(this.authTimer);
    this.broker.dropConnection(this);
    this.socket.end();
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    this.socket.cork();
    try {
      while (!this.closed && this.step()) {
        /* keep consuming complete operations */
      }
    } finally {
      this.socket.uncork();
    }
  }

  /** Consumes one complete operation from the buffer; false when more bytes are needed. */
  private step(): boolean {
    if (this.pending) {
      const need = this.pending.totalBytes + 2;
      if (this.buf.length < need) return false;
      const body = this.buf.subarray(0, this.pending.totalBytes);
      this.buf = this.buf.subarray(need);
      const p = this.pending;
      this.pending = undefined;
      this.publish(p, body);
      return true;
    }
    const nl = this.buf.indexOf(0x0a);
    if (nl === -1) {
      if (this.buf.length > MAX_CONTROL_LINE) this.fatal('Maximum Control Line Exceeded');
      return false;
    }
    const line = this.buf.toString('utf8', 0, nl).replace(/\r$/, '');
    this.buf = this.buf.subarray(nl + 1);
    this.control(line);
    return true;
  }

  private control(line: string): void {
    const trimmed = line.trim();
    if (trimmed === '') return;
    const space = trimmed.search(/\s/);
    const op = (space === -1 ? trimmed : trimmed.slice(0, space)).toUpperCase();
    const rest = space === -1 ? '' : trimmed.slice(space + 1).trim();
    if (op === 'CONNECT') {
      this.connect(rest);
      return;
    }
    if (!this.authenticated) {
      this.fatal('Authorization Violation');
      return;
    }
    const args = rest.length ? rest.split(/\s+/) : [];
    switch (op) {
      case 'PING':
        this.write(`PONG${CRLF}`);
        return;
      case 'PONG':
        return;
      case 'PUB':
        this.startPublish(args, false);
        return;
      case 'HPUB':
        this.startPublish(args, true);
        return;
      case 'SUB':
        this.subscribe(args);
        return;
      case 'UNSUB':
        this.unsubscribe(args);
        return;
      default:
        this.fatal('Unknown Protocol Operation');
        return;
    }
  }

  private connect(json: string): void {
    let opts: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(json);
      if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
      opts = parsed as Record<string, unknown>;
    } catch {
      this.fatal('Invalid Connect Options');
      return;
    }
    const user = this.users.find((u) => u.user === opts.user && u.pass === opts.pass);
    if (!user) {
      this.fatal('Authorization Violation');
      return;
    }
    clearTimeout(this.authTimer);
    this.user = user;
    this.echo = opts.echo !== false;
    this.headers = opts.headers === true;
    this.noResponders = opts.no_responders === true && this.headers;
    if (opts.verbose === true) this.write(`+OK${CRLF}`);
  }

  private startPublish(args: string[], withHeaders: boolean): void {
    const sizes = withHeaders ? 2 : 1;
    if (args.length !== 1 + sizes && args.length !== 2 + sizes) {
      this.fatal('Unknown Protocol Operation');
      return;
    }
    const subject = args[0] as string;
    const reply = args.length === 2 + sizes ? args[1] : undefined;
    const total = Number(args[args.length - 1]);
    const header = withHeaders ? Number(args[args.length - 2]) : 0;
    if (!Number.isInteger(total) || total < 0 || !Number.isInteger(header) || header < 0 || header > total) {
      this.fatal('Unknown Protocol Operation');
      return;
    }
    if (total > this.maxPayload) {
      this.fatal('Maximum Payload Violation');
      return;
    }
    this.pending = { subject, reply, headerBytes: header, totalBytes: total };
  }

  private publish(p: PendingPublish, body: Buffer): void {
    if (!isLiteralSubject(p.subject)) {
      this.err('Invalid Publish Subject');
      return;
    }
    const allow = this.user?.publish;
    if (allow && !allow.some((pattern) => subjectMatches(pattern, p.subject))) {
      this.err(`Permissions Violation for Publish to "${p.subject}"`);
      return;
    }
    const header = p.headerBytes > 0 ? Buffer.from(body.subarray(0, p.headerBytes)) : undefined;
    const payload = Buffer.from(body.subarray(p.headerBytes));
    this.broker.route(this, p.subject, p.reply, header, payload);
  }

  private subscribe(args: string[]): void {
    if (args.length !== 2 && args.length !== 3) {
      this.fatal('Unknown Protocol Operation');
      return;
    }
    const subject = args[0] as string;
    const queue = args.length === 3 ? args[1] : undefined;
    const sid = args[args.length - 1] as string;
    if (!isValidSubject(subject)) {
      this.err('Invalid Subject');
      return;
    }
    const allow = this.user?.subscribe;
    if (allow && !allow.some((pattern) => subjectIsSubset(subject, pattern))) {
      const q = queue ? ` using queue "${queue}"` : '';
      this.err(`Permissions Violation for Subscription to "${subject}"${q}`);
      return;
    }
    this.broker.subs.add({ conn: this, sid, subject, queue, max: undefined, delivered: 0 });
  }

  private unsubscribe(args: string[]): void {
    if (args.length !== 1 && args.length !== 2) {
      this.fatal('Unknown Protocol Operation');
      return;
    }
    const sid = args[0];
    const max = args[1] === undefined ? undefined : Number(args[1]);
    for (const sub of this.broker.subs) {
      if (sub.conn !== this || sub.sid !== sid) continue;
      if (max === undefined || !Number.isFinite(max) || sub.delivered >= max) this.broker.subs.delete(sub);
      else sub.max = max;
    }
  }
}

export async function startNatsLite(opts: NatsLiteOptions): Promise<NatsLite> {
  const host = opts.host ?? '127.0.0.1';
  const maxPayload = opts.maxPayload ?? 1024 * 1024;
  const broker = new Broker();
  const conns = new Set<Connection>();
  const serverId = `NLITE${randomBytes(12).toString('hex').toUpperCase()}`;
  let nextClientId = 1;
  const server: Server = createServer((socket) => {
    const info = {
      server_id: serverId,
      server_name: 'nats-lite',
      version: '2.10.22',
      proto: 1,
      go: 'nats-lite (demo)',
      host,
      port: boundPort,
      headers: true,
      auth_required: true,
      max_payload: maxPayload,
      client_id: nextClientId++,
      client_ip: socket.remoteAddress ?? '',
    };
    const conn = new Connection(socket, broker, opts.users, maxPayload, info);
    conns.add(conn);
    socket.once('close', () => conns.delete(conn));
  });
  let boundPort = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  boundPort = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `nats://${host}:${boundPort}`,
    port: boundPort,
    clientCount: () => [...conns].filter((c) => c.authenticated).length,
    stop: async () => {
      for (const c of conns) c.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

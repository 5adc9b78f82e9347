// The floor under the cockpit's idle CPU: a bare Node process that does the same I/O as an idle
// cockpit with default settings, and nothing else (no screen, no store, no validation, no worker).
// bench/cockpit.bench.test.ts runs it beside the cockpit, on the same stack in the same window, and
// prints both figures. Per probe interval (2 s by default): GET the three probe URLs (keep-alive, JSON bodies); HEAD the halt
// file through Docker's archive API (every 2 s). Every 30 s: list the containers and inspect the watched ones.
// All the time: Docker's event stream open (with the cockpit's event filter: the healthchecks' exec
// events alone cost more than the probes), brain's and execution's logs followed (each read
// searched for a byte string, as the evidence watch does), a NATS subscription to brain's
// dashboard (JSON each). `parts` (default all) runs only some, to show what each costs.
//   node bench/idle-floor.mjs '<json: urls, dockerSocket, container, haltPath, watch, events, nats, subject, parts?>'
import http from 'node:http';
import { connect } from '@nats-io/transport-node';

const o = JSON.parse(process.argv[2]);
const parts = new Set(o.parts ?? ['probes', 'halt', 'nats', 'logs', 'events', 'resync']);
const agent = new http.Agent({ keepAlive: true, timeout: 4000 });

const get = (url) =>
  new Promise((resolve) => {
    const req = http.request(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve(safeJson(body)));
    });
    req.on('error', () => resolve(null));
    req.end();
  });

const docker = (method, path, onData = null) =>
  new Promise((resolve) => {
    const req = http.request({ socketPath: o.dockerSocket, path, method }, (res) => {
      if (onData) return resolve(res.on('data', onData));
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve(method === 'HEAD' ? (res.headers['x-docker-container-path-stat'] ?? null) : safeJson(body)));
    });
    req.on('error', () => resolve(null));
    req.end();
  });

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const watch = new RegExp(o.watch);
async function resync() {
  const list = (await docker('GET', '/containers/json?all=1')) ?? [];
  await Promise.all(
    list.filter((c) => (c.Names ?? []).some((n) => watch.test(n.replace(/^\//, '')))).map((c) => docker('GET', `/containers/${c.Id}/json`)),
  );
}

const every = (ms, fn) => {
  const tick = () => {
    void Promise.resolve(fn()).finally(() => setTimeout(tick, ms));
  };
  setTimeout(tick, 0);
};

if (parts.has('nats')) {
  const nc = await connect({ servers: o.nats.servers, user: o.nats.user, pass: o.nats.pass });
  const sub = nc.subscribe(o.subject);
  (async () => {
    for await (const m of sub) safeJson(m.string());
  })();
}
if (parts.has('events'))
  await docker('GET', `/events?filters=${encodeURIComponent(JSON.stringify({ type: ['container'], event: o.events }))}`, () => undefined);
const marker = Buffer.from('halt');
if (parts.has('logs'))
  for (const name of o.follow)
    await docker('GET', `/containers/${encodeURIComponent(name)}/logs?follow=1&stdout=1&stderr=1&timestamps=1&tail=0`, (b) =>
      b.indexOf(marker),
    );
if (parts.has('probes')) for (const url of o.urls) every(o.everyMs, () => get(url));
if (parts.has('halt'))
  every(2000, () => docker('HEAD', `/containers/${encodeURIComponent(o.container)}/archive?path=${encodeURIComponent(o.haltPath)}`));
if (parts.has('resync')) every(30_000, resync);
// A part with nothing open (resync alone between its ticks) must not let the process end.
setInterval(() => undefined, 1 << 30);

import type { ContextInfo } from './config/contexts.js';
import type { LoadedConfig } from './config/load.js';
import { ConfigError } from './config/load.js';
import type { Config } from './config/schema.js';
import { resolveContract } from './contract/resolve.js';
import type { Contract } from './contract/types.js';
import { AuditLog } from './services/audit.js';
import { auditPath } from './services/audit-path.js';
import { Bus } from './services/bus.js';
import { Engine, type EngineOptions } from './services/engine.js';
import { EvidenceWatch } from './services/evidence-watch.js';
import { HaltWatch } from './services/halt-watch.js';
import { closeHttpAgent } from './services/http/client.js';
import { LogPane } from './services/log-pane.js';
import { LogWorkerHost } from './services/logs/host.js';
import { Probes } from './services/probes.js';
import { StopPathChecks } from './services/stop-path-checks.js';
import { validateDashboard } from './services/validate.js';
import { type CockpitStore, createCockpitStore } from './state/store.js';

export interface Runtime {
  loaded: LoadedConfig;
  /** The deployment this runtime talks to (null: the top-level settings, no context). */
  context: ContextInfo | null;
  config: Config;
  contract: Contract;
  operator: string;
  store: CockpitStore;
  bus: Bus;
  engine: Engine;
  probes: Probes;
  haltWatch: HaltWatch;
  evidence: EvidenceWatch;
  logPane: LogPane;
  /** The log worker behind the pane and the evidence watch. */
  logWorker: LogWorkerHost;
  audit: AuditLog;
  /** Publish permission and brain credentials, checked without side effects (readiness, doctor). */
  checks: StopPathChecks;
  /** Aborted by stop(): anything that outlives one call (an action's follow-up watch) ends with it. */
  lifetime: AbortSignal;
  /** True once stop() was called: a stopped runtime is never started again (make a new one). */
  readonly stopped: boolean;
  /** URL of a Titan HTTP service, from config or from the container's own address. */
  serviceUrl: (service: 'brain' | 'execution') => Promise<string | null>;
  start: () => void;
  stop: () => Promise<void>;
}

function compileWatch(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch {
    throw new ConfigError(`invalid setting contract.containers.watch: not a valid regular expression (${source})`);
  }
}

/** The composition root: builds every service from the configuration and wires them to one store. */
export function createRuntime(loaded: LoadedConfig, opts: { store?: CockpitStore } = {}): Runtime {
  const { config } = loaded;
  const contract = resolveContract(config.profile, config.contract);
  const store = opts.store ?? createCockpitStore();
  const emit = store.emit;

  const bus = new Bus(
    {
      servers: config.nats.servers,
      user: config.nats.user,
      pass: config.nats.pass,
      token: config.nats.token,
      credsFile: config.nats.credsFile,
      nkeyFile: config.nats.nkeyFile,
      tls: config.nats.tls,
      confirmTimeoutMs: config.nats.confirmTimeoutMs,
      name: `titan-tui:${loaded.operator}${loaded.context ? `:${loaded.context.name}` : ''}`,
    },
    emit,
  );
  const dockerHost = config.docker.host;
  const engineOptions: EngineOptions = {
    host: dockerHost,
    tls: config.docker.tls,
    ssh: config.docker.ssh,
    watch: compileWatch(contract.containers.watch),
  };
  const engine = new Engine(engineOptions, emit);

  const serviceUrl = async (service: 'brain' | 'execution'): Promise<string | null> => {
    const svc = config[service];
    const http = contract.http[service];
    if (svc.via === 'url') return (svc.url ?? http.defaultUrl).replace(/\/+$/, '');
    const addr = await engine.address(contract.containers[service]);
    return addr.ok && addr.value ? `http://${addr.value}:${http.port}` : null;
  };

  const probes = new Probes({
    intervalMs: config.probes.intervalMs,
    timeoutMs: config.probes.timeoutMs,
    emit,
    targets: [
      { name: 'brain', kind: 'brain-health', path: contract.http.brain.health.path, resolveUrl: () => serviceUrl('brain') },
      { name: 'brain-status', kind: 'brain-status', path: contract.http.brain.status.path, resolveUrl: () => serviceUrl('brain') },
      { name: 'execution', kind: 'execution-health', path: contract.http.execution.health.path, resolveUrl: () => serviceUrl('execution') },
    ],
  });

  const haltWatch = new HaltWatch(engine, emit, { container: () => contract.containers.execution, path: contract.haltFile.path });
  // Log ingestion (the pane's stream and the evidence watch's) runs in a worker thread: a flood in a
  // container's log never reaches the UI thread (src/services/logs/host.ts).
  const logWorker = new LogWorkerHost(
    {
      engine: engineOptions,
      patterns: contract.logPatterns,
      ringLines: config.logs.ringLines,
      tail: config.logs.tail,
      flushMs: config.logs.flushMs,
    },
    emit,
  );
  const evidence = new EvidenceWatch(logWorker, store, () => [
    { name: contract.containers.execution, service: 'execution' },
    { name: contract.containers.brain, service: 'brain' },
  ]);
  const serviceOf = (name: string) =>
    name === contract.containers.execution ? ('execution' as const) : name === contract.containers.brain ? ('brain' as const) : undefined;
  const logPane = new LogPane(logWorker, emit, { ringLines: config.logs.ringLines, serviceOf });

  const auditSubject = config.audit.natsSubject ?? contract.nats.auditSubject;
  const audit = new AuditLog(
    auditPath(config),
    emit,
    auditSubject
      ? {
          target: `NATS subject ${auditSubject}`,
          publish: async (entry) => {
            const r = await bus.publishCommand(auditSubject, entry);
            return r.ok ? { ok: true } : { ok: false, detail: r.detail };
          },
        }
      : undefined,
    loaded.context?.name ?? null,
  );

  const checks = new StopPathChecks({ bus, store, emit, contract, config, operator: loaded.operator, serviceUrl });

  const life = new AbortController();
  let dashboardUnsub: (() => void) | null = null;
  let started = false;
  let stopping: Promise<void> | null = null;
  const start = () => {
    if (started || life.signal.aborted) return;
    started = true;
    for (const e of audit.readRecent()) emit({ type: 'audit.appended', entry: e });
    bus.start();
    engine.start();
    probes.start();
    haltWatch.start();
    evidence.start();
    checks.start();
    // The dashboard's breaker is cached for 60 s by brain (contract §11): use it only when /status is
    // unavailable, and with its own lastUpdated as its age (state/breaker.ts shows it UNKNOWN when old).
    dashboardUnsub = bus.subscribe(contract.nats.dashboardSubject, validateDashboard, (value) => {
      const s = store.getState();
      const statusFresh = s.breaker.source === 'status' && s.confirmed.breaker !== null && Date.now() - s.confirmed.breaker < 5000;
      if (!statusFresh)
        emit({ type: 'breaker', status: value.circuitBreaker, source: 'dashboard', at: Date.now(), dataAt: value.lastUpdated });
    });
  };
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // First: whatever outlives one call (an action's follow-up watch) ends now, not after a reconnect.
      life.abort(new Error('the runtime stopped'));
      // One last try at audit records the disk refused, and the disk's confirmation of the written
      // ones (waited for below, with the rest); the retry timer ends with the runtime.
      const auditClosed = audit.close(1000);
      dashboardUnsub?.();
      dashboardUnsub = null;
      checks.stop();
      logPane.detach();
      evidence.stop();
      haltWatch.stop();
      probes.stop();
      // The mirror's last records go out before the connection closes.
      await audit.mirrored(1000);
      await Promise.allSettled([auditClosed, bus.stop(), engine.stopService(), closeHttpAgent(), logWorker.stop()]);
    })();
    return stopping;
  };

  return {
    loaded,
    context: loaded.context,
    config,
    contract,
    operator: loaded.operator,
    store,
    bus,
    engine,
    probes,
    haltWatch,
    evidence,
    logPane,
    logWorker,
    audit,
    checks,
    lifetime: life.signal,
    get stopped() {
      return life.signal.aborted;
    },
    serviceUrl,
    start,
    stop,
  };
}

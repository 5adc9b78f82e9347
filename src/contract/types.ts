/**
 * The contract table: every wire detail the cockpit uses to talk to Titan.
 * Nothing outside src/contract/ may hard-code a subject, route, container name,
 * payload or log pattern; it reads them from a resolved Contract.
 */

/** A JSON payload template. String values may contain {reason}, {operator}, {id}, {source};
 *  a string that is exactly "{ts}" becomes the epoch-ms number, "{tsIso}" an ISO string. */
export type PayloadTemplate = { [key: string]: unknown };

export interface SubjectCommand {
  subject: string;
  payload: PayloadTemplate;
}

export interface HttpAuth {
  /** x-signature = hex(HMAC-SHA256(secret, "{x-timestamp}.{raw body}")), x-timestamp in unix seconds. */
  hmac: boolean;
  /** Authorization: Bearer <HS256 JWT with role admin>. */
  jwt: boolean;
}

export interface HttpRoute {
  method: 'GET' | 'POST';
  path: string;
  auth: HttpAuth;
}

export interface ServiceHttp {
  /** URL used when config says `via: "url"` and gives none. */
  defaultUrl: string;
  /** Port inside the container, used when config says `via: "container"`. */
  port: number;
  health: HttpRoute;
}

/** What a matching log line means as evidence. */
export type LogEvidenceKind =
  | 'halt' // the engine reports it is halted
  | 'lift' // the engine reports the halt is lifted
  | 'rejected' // the engine received a command and refused it
  | 'breaker-trip'
  | 'breaker-reset'
  | 'flatten';

export interface LogPattern {
  id: string;
  /** Which service's log this applies to. */
  service: 'execution' | 'brain';
  kind: LogEvidenceKind;
  /** JavaScript regular expression source, matched against the parsed message text. */
  regex: string;
}

export interface Contract {
  profile: string;
  nats: {
    halt: {
      hard: SubjectCommand;
      soft: SubjectCommand | null;
      open: SubjectCommand;
      /** Extra publishes sent alongside the halt/open (the runbook's legacy global halt). */
      legacyHard: SubjectCommand | null;
      legacyOpen: SubjectCommand | null;
    };
    flatten: SubjectCommand;
    /** Brain's 1 s dashboard state; its circuitBreaker is cached for 60 s (contract §11). */
    dashboardSubject: string;
    heartbeatSubject: string;
    /** Optional mirror of every audit record. null: do not publish. */
    auditSubject: string | null;
  };
  http: {
    /** whoami: a signed, side-effect-free check of the breaker reset's credentials (doctor); null when the profile has none. */
    brain: ServiceHttp & { status: HttpRoute; breakerReset: HttpRoute; whoami: HttpRoute | null };
    execution: ServiceHttp;
  };
  containers: {
    nats: string;
    brain: string;
    execution: string;
    /** Regex for the containers shown in the cockpit. */
    watch: string;
  };
  compose: {
    /** Compose service names (they differ from container names for auto-named services). */
    execution: string;
    brain: string;
    sentinel: string;
  };
  haltFile: {
    /** Absolute path inside the execution container. */
    path: string;
    /** True for the real engine: the file is read only at process start (contract §5). */
    readAtStartOnly: boolean;
  };
  logPatterns: LogPattern[];
}

export type ProfileName = 'titan' | 'runbook';

import { z } from 'zod';

// zod compiles each object schema to a function on its first parse (new Function): ~20 ms of
// every start-up for schemas parsed a handful of times (config, contract, NATS payloads of a few
// hundred bytes). Interpreted parsing is fast enough for that.
z.config({ jitless: true });

const tls = z.object({ caFile: z.string().optional(), certFile: z.string().optional(), keyFile: z.string().optional() }).strict();

const httpService = z
  .object({
    /** 'url': use `url` (or the profile's default); 'container': inspect the container for its address
     *  (production publishes neither port on the host, contract §0 f). */
    via: z.enum(['url', 'container']).default('url'),
    url: z.string().url().optional(),
  })
  .strict();

export const configSchema = z
  .object({
    profile: z.enum(['titan', 'runbook']).default('titan'),
    operator: z.string().min(1).optional(),
    readOnly: z.boolean().default(false),
    nats: z
      .object({
        servers: z.array(z.string().min(1)).min(1).default(['nats://127.0.0.1:4222']),
        user: z.string().optional(),
        pass: z.string().optional(),
        /** A file holding the password (a secret is never a flag: /proc/PID/cmdline is public). */
        passFile: z.string().min(1).optional(),
        token: z.string().optional(),
        tokenFile: z.string().min(1).optional(),
        /** A creds file (user JWT + seed, operator/JWT mode servers). */
        credsFile: z.string().optional(),
        /** A file holding the user's nkey seed (SU...; servers with `users = [{ nkey: U... }]`). */
        nkeyFile: z.string().min(1).optional(),
        tls: tls.nullable().default(null),
        confirmTimeoutMs: z.number().int().min(100).max(30_000).default(2000),
      })
      .strict()
      .prefault({}),
    docker: z
      .object({
        /** unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host */
        host: z.string().default('unix:///var/run/docker.sock'),
        tls: tls.nullable().default(null),
        /** ssh:// hosts: the key to log in with (else the agent at SSH_AUTH_SOCK) and the known host keys. */
        ssh: z
          .object({
            /** A private key file (OpenSSH or PEM, not passphrase-protected: use the agent for those). */
            identityFile: z.string().min(1).optional(),
            /** The host's key must be listed here (plain or hashed entries); default ~/.ssh/known_hosts. */
            knownHostsFile: z.string().min(1).optional(),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    brain: httpService
      .extend({
        hmacSecret: z.string().optional(),
        hmacSecretFile: z.string().min(1).optional(),
        /** A ready-made admin JWT; otherwise one is minted from jwtSecret (or hmacSecret). */
        jwt: z.string().optional(),
        jwtFile: z.string().min(1).optional(),
        jwtSecret: z.string().optional(),
        jwtSecretFile: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    execution: httpService.prefault({}),
    /** Overrides of the contract table (any entry of src/contract/types.ts). */
    contract: z.record(z.string(), z.unknown()).default({}),
    logs: z
      .object({
        ringLines: z.number().int().min(100).max(50_000).default(5000),
        tail: z.number().int().min(0).max(50_000).default(200),
        flushMs: z.number().int().min(50).max(1000).default(50),
      })
      .strict()
      .prefault({}),
    probes: z
      .object({
        intervalMs: z.number().int().min(250).max(60_000).default(2000),
        timeoutMs: z.number().int().min(100).max(30_000).default(2000),
        /** A breaker reading older than this (by the data's own time) is shown as UNKNOWN, not as current. */
        breakerMaxAgeMs: z.number().int().min(1000).max(600_000).default(10_000),
      })
      .strict()
      .prefault({}),
    ui: z
      .object({
        maxFps: z.number().int().min(1).max(30).default(12),
        armSeconds: z.number().int().min(5).max(3600).default(60),
        /**
         * `raised`: the cockpit's UI thread (and its terminal session's CPU share) go up by 5 nice
         * steps when permitted (root or CAP_SYS_NICE), so keys answer while a flood saturates the
         * cores; `normal` leaves them alone. src/services/cpu-priority.ts.
         */
        cpuPriority: z.enum(['raised', 'normal']).default('raised'),
      })
      .strict()
      .prefault({}),
    actions: z
      .object({
        /** How long an action waits for the system's own evidence before NOT CONFIRMED. */
        verifyTimeoutMs: z.number().int().min(500).max(120_000).default(8000),
        /**
         * After a report that is not VERIFIED, how long the cockpit keeps watching for this command's
         * evidence (a frozen NATS may deliver it late); a late proof updates the banner and the audit.
         */
        followUpMs: z.number().int().min(0).max(3_600_000).default(120_000),
      })
      .strict()
      .prefault({}),
    /** Runbook procedures (`titan-tui run`, the Procedures screen): where and how host commands run. */
    procedures: z
      .object({
        /** The deployment checkout (git repository, scripts/, .env). Default: the current directory. */
        deployDir: z.string().min(1).optional(),
        /** Argument array, run in deployDir. `{sha}` in an argument becomes the commit to deploy. */
        deployCommand: z.array(z.string().min(1)).min(1).default(['./scripts/deploy-vps.sh']),
        /** Where backups are listed; relative to deployDir (scripts/backup-db.sh writes ./backups). */
        backupDir: z.string().min(1).default('./backups'),
        /** Argument array, run in deployDir; it is asked the file name and y/N on its stdin. */
        restoreCommand: z.array(z.string().min(1)).min(1).default(['./scripts/restore-db.sh']),
        /** The environment file the services read (relative to deployDir). */
        envFile: z.string().min(1).default('.env'),
        /** e.g. ["docker","compose"]; default: `docker compose` when present, else `docker-compose`. */
        composeCommand: z.array(z.string().min(1)).min(1).optional(),
        /** Passed as `-f FILE` (relative to deployDir). */
        composeFile: z.string().min(1).optional(),
        /** Passed as `-p NAME`. */
        composeProject: z.string().min(1).optional(),
        stepTimeoutSec: z.number().int().min(1).max(86_400).default(600),
        /** List every command with its directory and run none. */
        dryRun: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    audit: z
      .object({
        dir: z.string().optional(),
        natsSubject: z.string().nullable().default(null),
      })
      .strict()
      .prefault({}),
    keymap: z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

/** Keys whose values are secrets: masked in every output, never echoed in errors. */
export const SECRET_PATHS = ['nats.pass', 'nats.token', 'brain.hmacSecret', 'brain.jwt', 'brain.jwtSecret'] as const;

/**
 * The contract's shape as a schema, to validate a profile merged with the operator's overrides at
 * load time: a null, a wrong type or an unknown key is a configuration error naming the key path,
 * never a crash in the middle of an emergency stop.
 */
import { z } from 'zod';
import { mergeContract } from './resolve.js';
import { PROFILES } from './profiles.js';
import type { Contract, ProfileName } from './types.js';

const regex = z.string().refine(
  (s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

const command = z.object({ subject: z.string().min(1), payload: z.record(z.string(), z.unknown()) }).strict();
const auth = z.object({ hmac: z.boolean(), jwt: z.boolean() }).strict();
const route = z.object({ method: z.enum(['GET', 'POST']), path: z.string().startsWith('/'), auth }).strict();
const service = {
  defaultUrl: z.string().url(),
  port: z.number().int().min(1).max(65_535),
  health: route,
};

export const contractSchema = z
  .object({
    profile: z.string().min(1),
    nats: z
      .object({
        halt: z
          .object({
            hard: command,
            soft: command.nullable(),
            open: command,
            legacyHard: command.nullable(),
            legacyOpen: command.nullable(),
          })
          .strict(),
        flatten: command,
        dashboardSubject: z.string().min(1),
        heartbeatSubject: z.string().min(1),
        auditSubject: z.string().min(1).nullable(),
      })
      .strict(),
    http: z
      .object({
        brain: z.object({ ...service, status: route, breakerReset: route, whoami: route.nullable() }).strict(),
        execution: z.object(service).strict(),
      })
      .strict(),
    containers: z.object({ nats: z.string().min(1), brain: z.string().min(1), execution: z.string().min(1), watch: regex }).strict(),
    compose: z.object({ execution: z.string().min(1), brain: z.string().min(1), sentinel: z.string().min(1) }).strict(),
    haltFile: z.object({ path: z.string().startsWith('/'), readAtStartOnly: z.boolean() }).strict(),
    logPatterns: z.array(
      z
        .object({
          id: z.string().min(1),
          service: z.enum(['execution', 'brain']),
          kind: z.enum(['halt', 'lift', 'rejected', 'breaker-trip', 'breaker-reset', 'flatten']),
          regex,
        })
        .strict(),
    ),
  })
  .strict();

// The schema must describe exactly the Contract type: when one changes without the other, this fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaIsContract: Same<z.infer<typeof contractSchema>, Contract> = true;
void schemaIsContract;

/** The first problem of a profile with these overrides, as `contract.<key path>: <what is wrong>`; null when valid. */
export function contractProblem(profile: ProfileName, overrides: unknown): string | null {
  const merged: Contract = mergeContract(PROFILES[profile], overrides);
  const r = contractSchema.safeParse(merged);
  if (r.success) return null;
  const issue = r.error.issues[0] as z.core.$ZodIssue;
  return `${['contract', ...issue.path].join('.')}: ${issue.message}`;
}

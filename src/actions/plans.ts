import type { SubjectCommand } from '../contract/types.js';
import type { ActionDeps, ActionId, ActionParams, ActionPlan } from './types.js';
import { actionCommand } from '../commands/action-commands.js';
import { containerOf } from '../domain/containers.js';
import { CONFIRM_WORDS } from './words.js';

const json = (v: unknown) => JSON.stringify(v);

/** Reads a contract entry for a plan line; a broken entry becomes a line saying so (the channel reports it). */
function entry<T>(read: () => T, what: string): T | string {
  try {
    const v = read();
    if (v === null || v === undefined) return `(${what} missing in the contract)`;
    return v;
  } catch (e) {
    return `(${what} unusable: ${(e as Error).message})`;
  }
}

/** The emergency stop's plan never throws: with a broken NATS entry the halt file still runs. */
function planStopAll(deps: ActionDeps): PlanBody {
  const { contract } = deps;
  const exec = contract.containers.execution;
  const file = contract.haltFile.path;
  const startOnly = contract.haltFile.readAtStartOnly
    ? ' (the engine reads it only at start: it takes effect when execution restarts)'
    : '';
  const hard = entry(() => contract.nats.halt.hard, 'nats.halt.hard');
  let legacy: SubjectCommand | null = null;
  try {
    legacy = contract.nats.halt.legacyHard;
  } catch {
    // its channel reports it
  }
  return {
    id: 'stop-all',
    title: 'EMERGENCY FULL STOP',
    word: CONFIRM_WORDS['stop-all'],
    targets: [exec, typeof hard === 'string' ? hard : hard.subject],
    lines: [
      `1. write ${file} in container ${exec}${startOnly}`,
      typeof hard === 'string' ? `2. NATS halt: ${hard}` : `2. publish ${hard.subject} ${json(hard.payload)}`,
      ...(legacy ? [`   and ${legacy.subject} ${json(legacy.payload)}`] : []),
      "Both run at once; each is reported separately, then verified from the engine's own evidence.",
    ],
  };
}

/** A plan without what the action table says of every action (arming). */
type PlanBody = Omit<ActionPlan, 'needsArm'>;

/** States, before anything runs, exactly what the action will do: subjects, containers, routes. */
export function planAction(deps: ActionDeps, id: ActionId, params: ActionParams = {}): ActionPlan {
  return { ...planBody(deps, id, params), needsArm: actionCommand(id).needsArm };
}

function planBody(deps: ActionDeps, id: ActionId, params: ActionParams): PlanBody {
  if (id === 'stop-all') return planStopAll(deps);
  const { contract } = deps;
  const exec = contract.containers.execution;
  const brain = contract.containers.brain;
  const halt = contract.nats.halt;
  const file = contract.haltFile.path;
  switch (id) {
    case 'halt': {
      const cmd = params.soft ? halt.soft : halt.hard;
      if (!cmd)
        return {
          id,
          title: 'HALT',
          word: CONFIRM_WORDS.halt,
          targets: [],
          lines: [],
          invalid: `the ${contract.profile} profile has no soft halt`,
        };
      return {
        id,
        title: params.soft ? 'SOFT HALT' : 'HALT',
        word: CONFIRM_WORDS.halt,
        targets: [cmd.subject],
        lines: [
          `publish ${cmd.subject} ${json(cmd.payload)}`,
          ...(halt.legacyHard ? [`publish ${halt.legacyHard.subject} ${json(halt.legacyHard.payload)}`] : []),
          `verify: ${file} appears in ${exec} with this command's id, or the engine logs SYSTEM HALT ACTIVATED`,
          'note: the running brain ignores the NATS halt (its breaker will not trip; contract §11)',
        ],
      };
    }
    case 'resume':
      return {
        id,
        title: 'RESUME',
        word: CONFIRM_WORDS.resume,
        targets: [halt.open.subject],
        lines: [
          `publish ${halt.open.subject} ${json(halt.open.payload)}`,
          ...(halt.legacyOpen ? [`publish ${halt.legacyOpen.subject} ${json(halt.legacyOpen.payload)}`] : []),
          `verify: ${file} disappears from ${exec} or the engine logs SYSTEM HALT LIFTED`,
          "note: this does not re-arm execution and does not reset brain's breaker",
        ],
      };
    case 'flatten':
      return {
        id,
        title: 'FLATTEN ALL POSITIONS',
        word: CONFIRM_WORDS.flatten,
        targets: [contract.nats.flatten.subject],
        warning: 'This will immediately close ALL open positions at market price.',
        lines: [
          `publish ${contract.nats.flatten.subject} ${json(contract.nats.flatten.payload)}`,
          `verify: ${exec} logs RECEIVED FLATTEN COMMAND`,
          'note: flatten runs even while execution is halted or disarmed',
        ],
      };
    case 'kill':
      return {
        id,
        title: 'KILL SWITCH',
        word: CONFIRM_WORDS.kill,
        targets: [exec, brain],
        lines: [
          `1. docker stop ${exec} (new orders stop first)`,
          `2. docker stop ${brain}`,
          'verify: both containers reach the exited state',
          'note: restart policy "always" does not restart a container stopped by hand (until the daemon restarts)',
        ],
      };
    case 'restart': {
      const name = params.service ? containerOf(deps.contract, params.service) : null;
      if (!name)
        return {
          id,
          title: 'RESTART',
          word: '',
          targets: [],
          lines: [],
          invalid: 'no container selected (give a service: execution, brain or a container name)',
        };
      const known = deps.store.getState().containers.value.some((c) => c.name === name);
      return {
        id,
        title: `RESTART ${name}`,
        word: name,
        targets: [name],
        lines: [
          `docker restart ${name} (10 s grace, then SIGKILL)`,
          'verify: the container runs again and its health passes',
          ...(name === exec ? [`note: a restart keeps ${file}; if present, execution boots HALTED`] : []),
          ...(known ? [] : [`warning: ${name} is not in the current container list`]),
        ],
      };
    }
    case 'clear-halt-file':
      return {
        id,
        title: 'CLEAR HALT FILE',
        word: CONFIRM_WORDS['clear-halt-file'],
        targets: [exec],
        lines: [
          `rm -f ${file} in container ${exec}`,
          'verify: the file is gone',
          contract.haltFile.readAtStartOnly
            ? "note: deleting the file does not lift a running engine's halt (contract §5): use RESUME for that"
            : 'note: the engine watches this file',
        ],
      };
    case 'breaker-reset': {
      const r = contract.http.brain.breakerReset;
      const auth = [r.auth.hmac ? 'HMAC headers' : '', r.auth.jwt ? 'Bearer admin JWT' : ''].filter(Boolean).join(' + ') || 'no auth';
      return {
        id,
        title: 'RESET CIRCUIT BREAKER',
        word: CONFIRM_WORDS['breaker-reset'],
        targets: [`brain ${r.path}`],
        lines: [
          `${r.method} ${r.path} {"operatorId":"${deps.operator}"} (${auth})`,
          `verify: GET ${contract.http.brain.status.path} shows circuitBreaker.active = false`,
          ...(contract.profile === 'titan' ? ['note: this does NOT lift the execution halt; pair it with RESUME'] : []),
        ],
      };
    }
    case 'recover':
      return {
        id,
        title: 'RECOVERY FROM EMERGENCY HALT',
        word: CONFIRM_WORDS.recover,
        targets: [exec, halt.open.subject, `brain ${contract.http.brain.breakerReset.path}`],
        lines: [
          `1. clear ${file} in ${exec}`,
          `2. resume: publish ${halt.open.subject} ${json(halt.open.payload)}`,
          '3. check: halt file absent, engine reports the halt lifted, breaker state read from /status',
          '4. reset the circuit breaker (only if it is active)',
          'Each step shows its own outcome; you can stop between steps.',
        ],
      };
  }
}

import { ACTION_COMMANDS, CONTAINER_NAME } from '../commands/action-commands.js';
import type { ActionId } from './types.js';

/**
 * The exact word the operator types to confirm each action (restart's is the container's name),
 * read from the one action table (src/commands/action-commands.ts).
 */
export const CONFIRM_WORDS = Object.fromEntries(
  ACTION_COMMANDS.filter((c) => c.word !== CONTAINER_NAME).map((c) => [c.action, c.word]),
) as Record<Exclude<ActionId, 'restart'>, string>;

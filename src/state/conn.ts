import type { ConnState } from './types.js';

/** Connected, and the server answered lately: what the cockpit sees of it is current. */
export const isLive = (c: ConnState): boolean => c.status === 'connected' && c.silentSince === undefined;

/** A server that is connected but did not answer a ping (src/services/liveness.ts), in words. */
export const silence = (server: string, since: number): string =>
  `no answer from ${server} since ${new Date(since).toTimeString().slice(0, 8)}`;

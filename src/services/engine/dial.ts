/** Promise wrapper around docker-modem's dial with a deadline that aborts the request. */
import { TimeoutError } from './errors.js';

/** The part of docker-modem this service uses. */
export interface Modem {
  dial(options: Record<string, unknown>, callback: (err: unknown, data: unknown) => void): void;
}

export interface DialSpec {
  method: 'GET' | 'POST' | 'PUT' | 'HEAD' | 'DELETE';
  /** API path without query, e.g. /containers/x/json */
  path: string;
  query?: Record<string, unknown>;
  /** JSON body (POST). */
  body?: unknown;
  /** Raw body (PUT archive). */
  file?: Buffer;
  /** Resolve with the response stream instead of the parsed body. */
  stream?: boolean;
  /** Upgrade the connection and resolve with the raw socket (exec). */
  hijack?: boolean;
  /** Status codes that count as success; others reject with the engine's message. */
  ok: number[];
}

const destroy = (value: unknown): void => {
  const d = value as { destroy?: () => void } | null;
  if (d && typeof d.destroy === 'function') d.destroy();
};

export function dial<T = unknown>(modem: Modem, spec: DialSpec, signal: AbortSignal): Promise<T> {
  const statusCodes: Record<number, true | string> = {
    400: 'bad request',
    403: 'forbidden',
    404: 'not found',
    409: 'conflict',
    500: 'engine error',
  };
  for (const code of spec.ok) statusCodes[code] = true;
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    modem.dial(
      {
        path: `${spec.path}?`,
        method: spec.method,
        // docker-modem reads the query from _query and a POST body from _body (an empty body is not sent).
        options: { _query: spec.query ?? {}, _body: spec.body ?? {} },
        file: spec.file,
        isStream: spec.stream === true,
        hijack: spec.hijack === true,
        abortSignal: signal,
        statusCodes,
      },
      (err, data) => {
        if (signal.aborted) {
          destroy(data);
          return reject(signal.reason ?? err);
        }
        if (err) return reject(err);
        resolve(data as T);
      },
    );
  });
}

/**
 * Runs `fn` with an AbortSignal that fires after `ms`; rejects with TimeoutError then.
 * Streams handed back by `fn` are not affected once it resolved.
 */
export async function withDeadline<T>(ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const e = new TimeoutError(ms);
      controller.abort(e);
      reject(e);
    }, ms);
  });
  try {
    return await Promise.race([fn(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

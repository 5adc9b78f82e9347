import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { contractProblem } from '../contract/schema.js';
import { keymapConfigProblem } from '../keymap/keymap.js';
import { registerSecret, urlPassword } from '../services/redact.js';
import {
  CONTEXT_META_KEYS,
  CONTEXT_NAME,
  CONTEXT_SETTING_KEYS,
  type ContextInfo,
  type ContextSource,
  type CONVENTIONAL_VARIABLES,
  contextInfo,
  contextMetaSchema,
  deepMerge,
  leafPaths,
} from './contexts.js';
import { parseJson } from './parse-json.js';
import { readRegularFile } from './read-file.js';
import { type Config, configSchema, SECRET_PATHS } from './schema.js';
import { SECRET_FILE_PATHS, SETTINGS, type Setting, URL_PATHS } from './settings.js';

/** A configuration problem the operator can fix: one line, names the source and the key, exit code 2. */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(
    message: string,
    /** The config file the problem is in, when it is one (`titan-tui config` shows it). */
    readonly file?: string,
  ) {
    super(message);
  }
}

export interface LoadedConfig {
  config: Config;
  /** Resolved operator id (config, then SUDO_USER, then USER). */
  operator: string;
  /** Every file the configuration came from (may not exist yet). */
  files: { config: string; configExists: boolean };
  /** Where each explicitly set key came from: 'file', 'context:NAME', 'env:NAME', 'flag:--name'. */
  provenance: Record<string, string>;
  /** The context in use (null: the top-level settings, no context) and where it was named. */
  context: ContextInfo | null;
  contextSource: ContextSource | null;
  /** Every context of the file, in file order. */
  contexts: ContextInfo[];
  /** What this was loaded from: loadContext() loads another context the same way (the switcher, --all-contexts). */
  input: LoadInput;
}

export interface LoadInput {
  env?: NodeJS.ProcessEnv;
  /** Parsed `--key value` flags (kebab-case names without the dashes). */
  flags?: Record<string, string | boolean>;
  /** Explicit config file (from --config); otherwise TITAN_TUI_CONFIG, then the XDG config dir. Must exist. */
  configFile?: string;
  /** The file read when none is named, instead of the XDG one; it may be absent (the demo's own file, tests). */
  defaultConfigFile?: string;
  /** The context to use (from --context); otherwise TITAN_TUI_CONTEXT, then the file's `context`. */
  context?: string;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = obj;
  for (const k of keys.slice(0, -1)) {
    if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1] as string] = value;
}

function convert(setting: Setting, raw: string | boolean, source: string): unknown {
  const fail = (allowed: string): never => {
    const shown = SECRET_PATHS.includes(setting.path as never) ? '(hidden)' : JSON.stringify(raw);
    throw new ConfigError(`invalid setting from ${source}: ${setting.path} = ${shown}; allowed: ${allowed}`);
  };
  if (setting.type === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    return fail('true or false');
  }
  if (typeof raw === 'boolean') return fail(`a ${setting.type} value`);
  switch (setting.type) {
    case 'string':
      return raw;
    case 'number': {
      const n = Number(raw);
      return Number.isFinite(n) && raw.trim() !== '' ? n : fail('a number');
    }
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    case 'json': {
      const parsed = parseJson(raw);
      return parsed.ok ? parsed.value : fail(`a JSON value (${parsed.error})`);
    }
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.length ? issue.path.join('.') : '(top level)';
  return `${key}: ${issue.message}`;
}

const MAX_CONFIG_BYTES = 1024 * 1024;
const MAX_SECRET_BYTES = 64 * 1024;

/** $XDG_CONFIG_HOME/titan-tui/config.json (else ~/.config/...), the file used when none is named. */
export function defaultConfigPath(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'titan-tui', 'config.json');
}

/**
 * The config file, read exactly as named: an explicit one (--config, TITAN_TUI_CONFIG) must exist
 * and be a regular file; the default one may be absent (defaults apply). The top level must be an
 * object. Every problem is one line naming the file.
 */
function readFileConfig(input: LoadInput, env: NodeJS.ProcessEnv): { path: string; exists: boolean; data: Record<string, unknown> } {
  const via = input.configFile !== undefined ? '--config' : env.TITAN_TUI_CONFIG ? 'TITAN_TUI_CONFIG' : null;
  const named = input.configFile ?? env.TITAN_TUI_CONFIG;
  const path = via && named !== undefined ? resolve(named) : resolve(input.defaultConfigFile ?? defaultConfigPath(env));
  const fail = (problem: string): never => {
    throw new ConfigError(`config file ${path}${via ? ` (from ${via})` : ''} ${problem}`, path);
  };
  const read = readRegularFile(path, MAX_CONFIG_BYTES);
  if (!read.ok) {
    if (read.missing && !via) return { path, exists: false, data: {} };
    fail(read.missing ? `does not exist: create it, or name an existing file with ${via}` : read.problem);
  }
  const text = (read as { text: string }).text;
  const parsed = parseJson(text);
  if (!parsed.ok) fail(`is ${parsed.error}; fix it or move it away`);
  const data = (parsed as { value: unknown }).value;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    fail(
      `must hold a JSON object ({ ... }) at the top level, not ${data === null ? 'null' : Array.isArray(data) ? 'an array' : `a ${typeof data}`}`,
    );
  }
  return { path, exists: true, data: data as Record<string, unknown> };
}

const RANK = (source: string | undefined): number =>
  source === undefined ? 0 : source.startsWith('flag:') ? 3 : source.startsWith('env:') ? 2 : source.startsWith('context:') ? 1.5 : 1;

const getPath = (obj: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);

/**
 * `nats.passFile` and the like: the secret is read from the named file. The file wins over the
 * secret itself given at the same or a lower level (file < environment < flags).
 */
function readSecretFiles(merged: Record<string, unknown>, provenance: Record<string, string>): void {
  for (const [secretPath, filePath] of Object.entries(SECRET_FILE_PATHS)) {
    const file = getPath(merged, filePath);
    if (typeof file !== 'string' || file === '') continue;
    if (RANK(provenance[secretPath]) > RANK(provenance[filePath])) continue;
    const read = readRegularFile(resolve(file), MAX_SECRET_BYTES);
    const source = (provenance[filePath] ?? 'file')
      .replace(/^env:/, 'environment variable ')
      .replace(/^flag:/, 'flag ')
      .replace(/^context:/, 'context ');
    if (!read.ok) throw new ConfigError(`secret file ${file} (${filePath}, from ${source}) ${read.problem}`);
    // One trailing newline is how editors and `echo` end a file; it is not part of the secret.
    const value = read.text.replace(/\r?\n$/, '');
    if (value === '') throw new ConfigError(`secret file ${file} (${filePath}, from ${source}) is empty`);
    setPath(merged, secretPath, value);
    provenance[secretPath] = `${provenance[filePath] ?? 'file'} (file)`;
  }
}

/** Every secret of the configuration, and every password in a configured URL, to the redaction layer. */
function registerSecrets(config: Config): void {
  for (const path of SECRET_PATHS) {
    const v = getPath(config, path);
    if (typeof v === 'string') registerSecret(v);
  }
  for (const path of URL_PATHS) {
    const v = getPath(config, path);
    for (const url of Array.isArray(v) ? v : [v]) if (typeof url === 'string') registerSecret(urlPassword(url));
  }
}

interface FileContexts {
  /** The top level without `context` and `contexts`. */
  base: Record<string, unknown>;
  /** name -> the settings the context sets (meta keys removed), in file order. */
  bodies: Map<string, Record<string, unknown>>;
  infos: ContextInfo[];
  /** The file's default context. */
  defaultName: string | undefined;
}

/**
 * Splits `context` and `contexts` off the file and checks every context now, whichever is used: a
 * typo in staging's block is found while production is in use. Each problem names its key path.
 */
function fileContexts(data: Record<string, unknown>, filePath: string): FileContexts {
  const fail = (problem: string): never => {
    throw new ConfigError(`invalid config file ${filePath}: ${problem}`, filePath);
  };
  const { context: defaultName, contexts: rawContexts, ...base } = data;
  if (defaultName !== undefined && (typeof defaultName !== 'string' || !CONTEXT_NAME.test(defaultName)))
    fail('context: must be the name of one of `contexts`');
  const bodies = new Map<string, Record<string, unknown>>();
  const infos: ContextInfo[] = [];
  if (rawContexts !== undefined) {
    if (typeof rawContexts !== 'object' || rawContexts === null || Array.isArray(rawContexts))
      fail('contexts: must be an object of named contexts ({"production": {...}, "staging": {...}})');
    for (const [name, raw] of Object.entries(rawContexts as Record<string, unknown>)) {
      const at = `contexts.${name}`;
      if (!CONTEXT_NAME.test(name)) fail(`${at}: a context name is 1-40 letters, digits, '.', '_' or '-', starting with a letter or digit`);
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`${at}: must be an object`);
      const ctx = raw as Record<string, unknown>;
      const allowed = [...CONTEXT_SETTING_KEYS, ...CONTEXT_META_KEYS] as readonly string[];
      for (const key of Object.keys(ctx))
        if (!allowed.includes(key)) fail(`${at}.${key}: not a context setting (a context may set: ${allowed.join(', ')})`);
      const meta: Record<string, unknown> = {};
      const body: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(ctx)) ((CONTEXT_META_KEYS as readonly string[]).includes(k) ? meta : body)[k] = v;
      const metaCheck = contextMetaSchema.safeParse(meta);
      if (!metaCheck.success) fail(`${at}.${describeIssue(metaCheck.error.issues[0] as z.core.$ZodIssue)}`);
      const check = configSchema.safeParse(deepMerge(base, body));
      if (!check.success) {
        const issue = check.error.issues[0] as z.core.$ZodIssue;
        // A problem inside what the context sets is the context's; anything else is the top level's.
        const inContext = issue.path.length > 0 && getPath(body, String(issue.path[0])) !== undefined;
        fail(inContext ? `${at}.${describeIssue(issue)}` : describeIssue(issue));
      }
      bodies.set(name, body);
      infos.push(contextInfo(name, (metaCheck as { data: z.infer<typeof contextMetaSchema> }).data));
    }
  }
  if (typeof defaultName === 'string' && !bodies.has(defaultName))
    fail(`context: "${defaultName}" is not one of contexts (${[...bodies.keys()].join(', ') || 'none defined'})`);
  return { base, bodies, infos, defaultName: defaultName as string | undefined };
}

/** The same configuration with another context in use (the cockpit's switcher, `status --all-contexts`). */
export function loadContext(loaded: LoadedConfig, name: string): LoadedConfig {
  return loadConfig({ ...loaded.input, context: name });
}

/** Loads the effective configuration: defaults < config file < context < environment < flags. */
export function loadConfig(input: LoadInput = {}): LoadedConfig {
  const env = input.env ?? process.env;
  const file = readFileConfig(input, env);
  const provenance: Record<string, string> = {};

  const fc = fileContexts(file.data, file.path);
  const fileCheck = configSchema.safeParse(fc.base);
  if (!fileCheck.success) {
    const issue = fileCheck.error.issues[0] as z.core.$ZodIssue;
    throw new ConfigError(`invalid config file ${file.path}: ${describeIssue(issue)}`, file.path);
  }
  const envContext = env.TITAN_TUI_CONTEXT?.trim() || undefined;
  const [contextName, contextSource]: [string | undefined, ContextSource | null] =
    input.context !== undefined
      ? [input.context, 'flag:--context']
      : envContext !== undefined
        ? [envContext, 'env:TITAN_TUI_CONTEXT']
        : fc.defaultName !== undefined
          ? [fc.defaultName, 'file']
          : [undefined, null];
  if (contextName !== undefined && !fc.bodies.has(contextName)) {
    const from = contextSource === 'flag:--context' ? 'flag --context' : contextSource === 'file' ? 'the file' : 'TITAN_TUI_CONTEXT';
    const known = fc.infos.map((c) => c.name).join(', ');
    throw new ConfigError(
      `context "${contextName.replace(/[^\x20-\x7e]/g, '?').slice(0, 60)}" (from ${from}) is not defined in ${file.path}; ${known ? `defined: ${known}` : 'it defines no contexts'}`,
    );
  }
  const body = contextName !== undefined ? (fc.bodies.get(contextName) as Record<string, unknown>) : {};
  const merged: Record<string, unknown> = structuredClone(deepMerge(fc.base, body));
  for (const s of SETTINGS) if (getPath(fc.base, s.path) !== undefined) provenance[s.path] = 'file';
  for (const path of leafPaths(body)) provenance[path] = `context:${contextName}`;

  // The usual variables of the ecosystem, below our own TITAN_TUI_* ones. With a context in use
  // they are ignored: they point at whatever the shell worked with last, not at the deployment named.
  const conventional: Array<[(typeof CONVENTIONAL_VARIABLES)[number], string]> = [
    ['NATS_URL', 'nats.servers'],
    ['NATS_USER', 'nats.user'],
    ['NATS_PASS', 'nats.pass'],
    ['DOCKER_HOST', 'docker.host'],
  ];
  for (const [name, path] of contextName === undefined ? conventional : []) {
    const raw = env[name];
    const setting = SETTINGS.find((s) => s.path === path);
    if (raw !== undefined && raw !== '' && setting) {
      setPath(merged, path, convert(setting, raw, `environment variable ${name}`));
      provenance[path] = `env:${name}`;
    }
  }
  for (const s of SETTINGS) {
    const raw = env[s.env];
    if (raw === undefined || raw === '') continue;
    setPath(merged, s.path, convert(s, raw, `environment variable ${s.env}`));
    provenance[s.path] = `env:${s.env}`;
  }
  for (const s of SETTINGS) {
    const raw = input.flags?.[s.flag];
    if (raw === undefined) continue;
    setPath(merged, s.path, convert(s, raw, `flag --${s.flag}`));
    provenance[s.path] = `flag:--${s.flag}`;
  }

  readSecretFiles(merged, provenance);

  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const path = issue.path.join('.');
    throw new ConfigError(`invalid setting from ${sourceName(provenance[path], file.path)}: ${describeIssue(issue)}`);
  }
  const config = parsed.data;
  registerSecrets(config);
  // Inline secrets of the other contexts are never used here, but must never be shown either.
  for (const other of fc.bodies.values()) {
    const check = configSchema.safeParse(deepMerge(fc.base, other));
    if (check.success) registerSecrets(check.data);
  }
  const contractIssue = contractProblem(config.profile, config.contract);
  if (contractIssue) {
    throw new ConfigError(
      `invalid setting from ${sourceName(provenance.contract, file.path)}: ${contractIssue}`,
      provenance.contract === 'file' ? file.path : undefined,
    );
  }
  // The keymap's own rules (the emergency stop's `!` stays, every key works): src/keymap/keymap.ts.
  const keymapProblem = keymapConfigProblem(config.keymap);
  if (keymapProblem) throw new ConfigError(`invalid setting from ${sourceName(provenance.keymap, file.path)}: ${keymapProblem}`);
  const operator = config.operator ?? env.SUDO_USER ?? env.USER ?? safeUsername();
  const context = contextName !== undefined ? (fc.infos.find((c) => c.name === contextName) ?? null) : null;
  return {
    config,
    operator,
    files: { config: file.path, configExists: file.exists },
    provenance,
    context,
    contextSource,
    contexts: fc.infos,
    input,
  };
}

function sourceName(source: string | undefined, filePath: string): string {
  if (source === 'file') return `config file ${filePath}`;
  if (source?.startsWith('context:')) return `context ${source.slice('context:'.length)} of config file ${filePath}`;
  return (source ?? 'the merged configuration').replace(/^env:/, 'environment variable ').replace(/^flag:/, 'flag ');
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

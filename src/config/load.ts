import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, dirname, extname, resolve } from 'node:path';
import Conf from 'conf';
import type { z } from 'zod';
import { type Config, configSchema, SECRET_PATHS } from './schema.js';
import { SETTINGS, type Setting } from './settings.js';

/** A configuration problem the operator can fix: one line, names the source and the key, exit code 2. */
export class ConfigError extends Error {
  readonly exitCode = 2;
}

export interface LoadedConfig {
  config: Config;
  /** Resolved operator id (config, then SUDO_USER, then USER). */
  operator: string;
  /** Every file the configuration came from (may not exist yet). */
  files: { config: string; configExists: boolean };
  /** Where each explicitly set key came from: 'file', 'env:NAME', 'flag:--name'. */
  provenance: Record<string, string>;
}

export interface LoadInput {
  env?: NodeJS.ProcessEnv;
  /** Parsed `--key value` flags (kebab-case names without the dashes). */
  flags?: Record<string, string | boolean>;
  /** Explicit config file (from --config); otherwise TITAN_TUI_CONFIG, then the XDG config dir. */
  configFile?: string;
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
    case 'json':
      try {
        return JSON.parse(raw);
      } catch {
        return fail('a JSON value');
      }
  }
}

/** Reports where JSON.parse failed without echoing file content (it may hold secrets). */
function jsonErrorPosition(text: string): string {
  let message = '';
  try {
    JSON.parse(text);
    return 'not readable';
  } catch (e) {
    message = String((e as Error).message);
  }
  const m = /position (\d+)/.exec(message);
  if (!m) return 'not valid JSON';
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return `not valid JSON (line ${line}, column ${col})`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.length ? issue.path.join('.') : '(top level)';
  return `${key}: ${issue.message}`;
}

function configLocation(input: LoadInput, env: NodeJS.ProcessEnv): { cwd?: string; configName?: string; ext?: string } {
  const explicit = input.configFile ?? env.TITAN_TUI_CONFIG;
  if (!explicit) return {};
  const file = resolve(explicit);
  const ext = extname(file);
  return { cwd: dirname(file), configName: basename(file, ext), ext: ext.replace(/^\./, '') || 'json' };
}

function readFileConfig(input: LoadInput, env: NodeJS.ProcessEnv): { path: string; exists: boolean; data: Record<string, unknown> } {
  const loc = configLocation(input, env);
  let conf: Conf<Record<string, unknown>>;
  try {
    conf = new Conf<Record<string, unknown>>({
      projectName: 'titan-tui',
      projectSuffix: '',
      ...(loc.cwd ? { cwd: loc.cwd, configName: loc.configName, fileExtension: loc.ext } : {}),
      // We validate with zod ourselves to produce operator-readable, secret-free messages.
      clearInvalidConfig: false,
      watch: false,
    });
  } catch {
    // conf parses the file in its constructor; re-read it to report the position without echoing content.
    const path = loc.cwd ? resolve(loc.cwd, `${loc.configName}.${loc.ext}`) : '(config file)';
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    throw new ConfigError(`config file ${path} is ${jsonErrorPosition(text)}; fix it or move it away (titan-tui config shows the path)`);
  }
  const exists = existsSync(conf.path);
  const data = conf.store;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(`config file ${conf.path} must hold a JSON object`);
  }
  return { path: conf.path, exists, data: data as Record<string, unknown> };
}

/** Loads the effective configuration: defaults < config file < environment < flags. */
export function loadConfig(input: LoadInput = {}): LoadedConfig {
  const env = input.env ?? process.env;
  const file = readFileConfig(input, env);
  const provenance: Record<string, string> = {};

  const fileCheck = configSchema.safeParse(file.data);
  if (!fileCheck.success) {
    const issue = fileCheck.error.issues[0] as z.core.$ZodIssue;
    throw new ConfigError(`invalid config file ${file.path}: ${describeIssue(issue)}`);
  }
  const merged: Record<string, unknown> = structuredClone(file.data);
  for (const s of SETTINGS) {
    const has = s.path
      .split('.')
      .reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), file.data);
    if (has !== undefined) provenance[s.path] = 'file';
  }

  // The usual variables of the ecosystem, below our own TITAN_TUI_* ones.
  const conventional: Array<[string, string]> = [
    ['NATS_URL', 'nats.servers'],
    ['NATS_USER', 'nats.user'],
    ['NATS_PASS', 'nats.pass'],
    ['DOCKER_HOST', 'docker.host'],
  ];
  for (const [name, path] of conventional) {
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

  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const path = issue.path.join('.');
    const source = provenance[path] ?? 'the merged configuration';
    throw new ConfigError(
      `invalid setting from ${source.replace(/^env:/, 'environment variable ').replace(/^flag:/, 'flag ')}: ${describeIssue(issue)}`,
    );
  }
  const config = parsed.data;
  const operator = config.operator ?? env.SUDO_USER ?? env.USER ?? safeUsername();
  return { config, operator, files: { config: file.path, configExists: file.exists }, provenance };
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

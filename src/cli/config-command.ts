import type { ConfigError, LoadedConfig } from '../config/load.js';
import { maskConfig } from '../config/mask.js';
import { resolveContract } from '../contract/resolve.js';
import { auditPath } from '../services/audit-path.js';
import { jsonText } from './output.js';

/** `titan-tui config`: the effective configuration (secrets masked) and every file it uses. */
export function configCommand(loaded: LoadedConfig, json: boolean): string {
  // Secrets masked, and the credentials inside every configured URL (brain, execution, docker, NATS).
  const masked = maskConfig(loaded.config);
  const contract = resolveContract(loaded.config.profile, loaded.config.contract);
  const files = {
    config: `${loaded.files.config}${loaded.files.configExists ? '' : ' (not present: defaults in use)'}`,
    audit: auditPath(loaded.config),
  };
  const ctx = loaded.context;
  if (json)
    return jsonText({
      files,
      operator: loaded.operator,
      context: ctx ? { ...ctx, from: loaded.contextSource } : null,
      contexts: loaded.contexts.map((c) => c.name),
      config: masked,
      provenance: loaded.provenance,
      contract,
    });
  const lines = [
    'Files',
    `  config  ${files.config}`,
    `  audit   ${files.audit}`,
    '',
    `Operator  ${loaded.operator}`,
    `Context   ${ctx ? `${ctx.name}${ctx.production ? ' (PRODUCTION)' : ''} [${loaded.contextSource}]` : loaded.contexts.length ? 'none (the top-level settings)' : 'none defined'}${loaded.contexts.length ? `; defined: ${loaded.contexts.map((c) => c.name).join(', ')}` : ''}`,
    `Profile   ${loaded.config.profile}`,
    '',
    'Effective configuration (secrets masked; source in brackets when not a default)',
  ];
  const walk = (obj: unknown, prefix: string) => {
    if (obj && typeof obj === 'object' && !Array.isArray(obj) && Object.keys(obj).length > 0) {
      for (const [k, v] of Object.entries(obj)) walk(v, prefix ? `${prefix}.${k}` : k);
      return;
    }
    const src = loaded.provenance[prefix];
    lines.push(`  ${prefix} = ${JSON.stringify(obj)}${src ? `  [${src}]` : ''}`);
  };
  walk(masked, '');
  lines.push('', `Contract (${contract.profile} profile${Object.keys(loaded.config.contract).length ? ' with overrides' : ''})`);
  lines.push(`  halt        ${contract.nats.halt.hard.subject} ${JSON.stringify(contract.nats.halt.hard.payload)}`);
  lines.push(`  resume      ${contract.nats.halt.open.subject} ${JSON.stringify(contract.nats.halt.open.payload)}`);
  if (contract.nats.halt.legacyHard)
    lines.push(`  legacy      ${contract.nats.halt.legacyHard.subject} ${JSON.stringify(contract.nats.halt.legacyHard.payload)}`);
  lines.push(`  flatten     ${contract.nats.flatten.subject} ${JSON.stringify(contract.nats.flatten.payload)}`);
  const br = contract.http.brain.breakerReset;
  lines.push(`  breaker     ${br.method} ${br.path} (hmac: ${br.auth.hmac}, jwt: ${br.auth.jwt})`);
  lines.push(
    `  containers  nats=${contract.containers.nats} brain=${contract.containers.brain} execution=${contract.containers.execution}`,
  );
  lines.push(`  halt file   ${contract.haltFile.path} (read at start only: ${contract.haltFile.readAtStartOnly})`);
  return lines.join('\n');
}

/** What `titan-tui config` shows when its config file is broken: that file, and that nothing else can be shown. */
export function brokenConfigReport(e: ConfigError): string | null {
  if (!e.file) return null;
  return [
    'Files',
    `  config  ${e.file}  — NOT USABLE (the problem follows)`,
    '',
    'The configuration cannot be shown until this file is fixed or moved away.',
  ].join('\n');
}

import type { LoadedConfig } from '../config/load.js';
import { maskConfig, redactUrl } from '../config/mask.js';
import { resolveContract } from '../contract/resolve.js';
import { auditPath } from '../services/audit-path.js';

/** `titan-tui config`: the effective configuration (secrets masked) and every file it uses. */
export function configCommand(loaded: LoadedConfig, json: boolean): string {
  const masked = maskConfig(loaded.config);
  masked.nats.servers = masked.nats.servers.map(redactUrl);
  const contract = resolveContract(loaded.config.profile, loaded.config.contract);
  const files = {
    config: `${loaded.files.config}${loaded.files.configExists ? '' : ' (not present: defaults in use)'}`,
    audit: auditPath(loaded.config),
  };
  if (json) return JSON.stringify({ files, operator: loaded.operator, config: masked, provenance: loaded.provenance, contract }, null, 2);
  const lines = [
    'Files',
    `  config  ${files.config}`,
    `  audit   ${files.audit}`,
    '',
    `Operator  ${loaded.operator}`,
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

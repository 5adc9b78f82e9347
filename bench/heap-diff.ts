/**
 * What grew between two V8 heap snapshots: self size and count per kind of object (constructor
 * name for objects, the node type for strings, arrays, code...), largest growth first.
 *
 *   node bench/heap-diff.ts start.heapsnapshot end.heapsnapshot
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface HeapGroup {
  key: string;
  count: number;
  bytes: number;
}

/** Per group: objects by constructor, strings/code/arrays by type (their names are contents or noise). */
export function summarize(file: string): Map<string, HeapGroup> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const iType = fields.indexOf('type');
  const iName = fields.indexOf('name');
  const iSize = fields.indexOf('self_size');
  const out = new Map<string, HeapGroup>();
  const { nodes, strings } = snap;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + iType] as number] ?? '?';
    const name = strings[nodes[i + iName] as number] ?? '';
    const key = type === 'object' || type === 'closure' || type === 'native' ? `${type} ${name.slice(0, 60)}` : type;
    const g = out.get(key) ?? { key, count: 0, bytes: 0 };
    g.count++;
    g.bytes += nodes[i + iSize] as number;
    out.set(key, g);
  }
  return out;
}

export function totalBytes(groups: Map<string, HeapGroup>): number {
  let n = 0;
  for (const g of groups.values()) n += g.bytes;
  return n;
}

/** The groups that grew most (bytes), with their count change. */
export function diff(
  a: Map<string, HeapGroup>,
  b: Map<string, HeapGroup>,
  top = 10,
): Array<HeapGroup & { dCount: number; dBytes: number }> {
  const keys = new Set([...a.keys(), ...b.keys()]);
  const rows = [...keys].map((key) => {
    const x = a.get(key) ?? { key, count: 0, bytes: 0 };
    const y = b.get(key) ?? { key, count: 0, bytes: 0 };
    return { key, count: y.count, bytes: y.bytes, dCount: y.count - x.count, dBytes: y.bytes - x.bytes };
  });
  return rows.sort((p, q) => q.dBytes - p.dBytes).slice(0, top);
}

export function formatDiff(a: Map<string, HeapGroup>, b: Map<string, HeapGroup>, top = 10): string {
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  const lines = [`heap ${kb(totalBytes(a))} → ${kb(totalBytes(b))}; largest growth:`];
  for (const r of diff(a, b, top)) {
    const sign = r.dBytes >= 0 ? '+' : '';
    lines.push(
      `  ${r.key.padEnd(48)} ${`${sign}${kb(r.dBytes)}`.padStart(10)}  ${`${r.dCount >= 0 ? '+' : ''}${r.dCount}`.padStart(8)} objects (now ${r.count})`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [a, b] = process.argv.slice(2);
  if (!a || !b) {
    console.error('usage: node bench/heap-diff.ts start.heapsnapshot end.heapsnapshot');
    process.exit(2);
  }
  console.log(formatDiff(summarize(a), summarize(b), 20));
}

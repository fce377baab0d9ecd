import { markdownTable } from 'markdown-table';
import type { FidelityRow } from '../adapters/fidelity.js';

export interface FidelitySubject {
  /** A store's name, or "Dify hybrid". */
  readonly name: string;
  readonly rows: readonly FidelityRow[];
}

/** The README's fidelity table: one row per subject and aspect. */
export function fidelityMarkdown(subjects: readonly FidelitySubject[]): string {
  const header = ['', 'aspect', 'as Dify?', "Dify's file (langgenius/dify)", "harness's file (src/)", 'what and why'];
  const rows = subjects.flatMap((s) =>
    s.rows.map((r) => [s.name, r.aspect, r.same, code(r.dify), code(r.harness), r.why.replace(/\|/g, '\\|')]),
  );
  return markdownTable([header, ...rows], { alignDelimiters: false });
}

/** `bench stores`: one line per aspect under the store. */
export function fidelityLines(rows: readonly FidelityRow[], indent = '    '): string[] {
  return rows.map((r) => `${indent}${r.aspect}: ${r.same} — ${r.why} (Dify ${r.dify}; harness src/${r.harness})`);
}

function code(path: string): string {
  return `\`${path.replace(/\|/g, '\\|')}\``;
}

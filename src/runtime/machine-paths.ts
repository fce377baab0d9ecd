import { DATA_DIR_IN_TEXT } from './data-dir-name.js';

/**
 * Text without this machine's paths, for what is published (results files, reports): a server's
 * private data directory becomes `$DATA_DIR` (it differs on every run), an install under any
 * `.vdb-bench/` becomes `.vdb-bench/…`, and a path under the working directory becomes relative
 * to `cwd` when one is given (`/home/me/vdb-bench/datasets/x` is `datasets/x`). What is left
 * (binary, flags, version, the dataset's folder as the project names it) says how the run was
 * made; paths elsewhere (`/usr/lib/postgresql/…`, a dataset kept outside the checkout) stay.
 * Reports give no `cwd`: what they print must not depend on where they are rendered.
 */
export function withoutMachinePaths(text: string, cwd?: string): string {
  const out = text.replace(DATA_DIR_IN_TEXT, '$DATA_DIR').replace(/(?:\/[^\s/`'"]+)*\/\.vdb-bench\//g, '.vdb-bench/');
  if (cwd === undefined || cwd === '/' || cwd === '') return out;
  // Only where a path starts (start of text, after a space, quote, `=` or `(`), and only whole
  // segments: `/work/main2/x` is not under `/work/main`.
  const at = `(^|[\\s\`'"=(])${escapeRegExp(cwd)}`;
  return out.replace(new RegExp(`${at}/`, 'g'), '$1').replace(new RegExp(`${at}(?=$|[\\s\`'")])`, 'g'), '$1.');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

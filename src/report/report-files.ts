import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Results } from '../bench/results/results-schema.js';
import { chartSpecs } from './chart-specs.js';
import { renderHtml, type RenderedChart } from './html-report.js';
import { renderMarkdown } from './markdown-report.js';
import { renderSvg } from './render-svg.js';

export interface RenderedReport {
  readonly markdown: string;
  /** Chart files relative to the markdown, in report order. */
  readonly charts: readonly RenderedChart[];
  readonly html: string;
}

/**
 * The whole report of a results file: markdown linking `<stem>.<chart>.svg` beside it, the SVGs,
 * and the self-contained HTML. Pure in its input: the same results and stem give the same bytes.
 */
export async function renderReport(results: Results, stem: string, appendix: readonly string[] = []): Promise<RenderedReport> {
  const specs = chartSpecs(results);
  const charts: RenderedChart[] = [];
  for (const c of specs) charts.push({ file: `${stem}.${c.id}.svg`, svg: await renderSvg(c.spec) });
  const markdown = renderMarkdown(results, { charts: specs.map((c, i) => ({ title: c.title, file: charts[i]?.file ?? '' })), appendix });
  return { markdown, charts, html: renderHtml(`vdb-bench: ${results.runId}`, markdown, charts) };
}

export interface WrittenReport {
  readonly markdown: string;
  readonly files: readonly string[];
}

/**
 * Writes `file.md` with its charts beside it, and `file.html` too when asked. Returns the
 * markdown (to print) and every file written.
 */
export async function writeReport(
  results: Results,
  markdownFile: string,
  options: { readonly html: boolean; readonly appendix?: readonly string[] },
): Promise<WrittenReport> {
  const dir = dirname(markdownFile);
  const stem = basename(markdownFile).replace(/\.md$/, '');
  const report = await renderReport(results, stem, options.appendix);
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const c of report.charts) {
    await writeFile(join(dir, c.file), c.svg);
    files.push(join(dir, c.file));
  }
  await writeFile(markdownFile, report.markdown);
  files.push(markdownFile);
  if (options.html) {
    const htmlFile = join(dir, `${stem}.html`);
    await writeFile(htmlFile, report.html);
    files.push(htmlFile);
  }
  return { markdown: report.markdown, files };
}

import { Marked, type Tokens } from 'marked';

/** A rendered chart: the file name the markdown links to and its SVG. */
export interface RenderedChart {
  readonly file: string;
  readonly svg: string;
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.85rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; }
th { background: #f3f3f3; }
td[align="right"], th[align="right"] { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0; } figcaption { font-size: 0.9rem; color: #555; margin-bottom: 0.3rem; }
code { font-size: 0.8rem; word-break: break-all; }
`;

/**
 * One self-contained HTML page from the markdown report: the same sections, with each chart's
 * SVG inline where the markdown links its file. No script, font or stylesheet is fetched, so it
 * opens offline and can be attached to a CI run as it is.
 */
export function renderHtml(title: string, markdown: string, charts: readonly RenderedChart[]): string {
  const byFile = new Map(charts.map((c) => [c.file, c.svg]));
  const marked = new Marked({
    gfm: true,
    renderer: {
      image(token: Tokens.Image): string {
        const svg = byFile.get(decodeURI(token.href));
        if (svg === undefined) throw new Error(`html report: the markdown links ${token.href}, which is not a rendered chart`);
        return `<figure><figcaption>${escapeHtml(token.text)}</figcaption>${svg.replace(/^<\?xml[^>]*>\s*/, '').trim()}</figure>`;
      },
    },
  });
  const body = marked.parse(markdown, { async: false });
  return (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<title>${escapeHtml(title)}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n${body}</body>\n</html>\n`
  );
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

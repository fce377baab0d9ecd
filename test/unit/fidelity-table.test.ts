import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FIDELITY_ASPECTS } from '../../src/adapters/fidelity.js';
import { fidelityLines, fidelityMarkdown } from '../../src/report/fidelity-table.js';
import { fidelitySubjects } from '../../src/report/fidelity-subjects.js';

describe('fidelity to Dify', () => {
  it('every store names every aspect once, in order', () => {
    for (const subject of fidelitySubjects().filter((s) => s.name !== 'Dify hybrid')) {
      expect(subject.rows.map((r) => r.aspect), subject.name).toEqual([...FIDELITY_ASPECTS]);
    }
  });

  it("the README's table is the generated one", async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const between = /<!-- fidelity:start -->\n([\s\S]*?)\n<!-- fidelity:end -->/.exec(readme)?.[1];
    expect(between).toBe(fidelityMarkdown(fidelitySubjects()));
  });

  it('renders a row as one line for bench stores', () => {
    expect(
      fidelityLines([{ aspect: 'delete', same: 'same', dify: 'a.py f', harness: 'adapters/x/y.ts', why: 'by ids' }]),
    ).toEqual(['    delete: same — by ids (Dify a.py f; harness src/adapters/x/y.ts)']);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withGeneratedDocs } from '../../src/config/docs.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const ciScript = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');

describe('README', () => {
  it('has the configuration reference generated from the current schema (run `npm run docs:config`)', () => {
    expect(readme).toBe(withGeneratedDocs(readme));
    expect(readme).toContain('| `kafka.brokers` |');
  });

  it("architecture section lists every folder of src/, and each folder's README says what it may import", () => {
    const src = new URL('../../src/', import.meta.url);
    const folders = readdirSync(src, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    for (const folder of folders) {
      expect(readme, folder).toContain(`[\`src/${folder}/\`](src/${folder}/README.md)`);
      expect(readFileSync(new URL(`${folder}/README.md`, src), 'utf8'), folder).toContain('**May import:**');
    }
  });

  it('gives the test command that CI runs', () => {
    expect(readme).toContain('npm test');
    expect(ciScript.split('\n')).toContain('npm test');
    expect(ciScript.split('\n')).toContain('npm run lint');
  });
});

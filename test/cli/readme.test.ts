import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withGeneratedDocs } from '../../src/config/docs.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const ciScript = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');

describe('README', () => {
  it('has the configuration reference generated from the current schema (run `npm run docs:config`)', () => {
    expect(readme).toBe(withGeneratedDocs(readme));
    expect(readme).toContain('| `kafka.brokers` |');
  });

  it('gives the test command that CI runs', () => {
    expect(readme).toContain('npm test');
    expect(ciScript.split('\n')).toContain('npm test');
  });
});

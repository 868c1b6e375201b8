// Regenerates the configuration reference in README.md from src/config/schema.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { withConfigReference } from '../src/config/docs.ts';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, withConfigReference(readFileSync(path, 'utf8')));
console.log('README.md configuration reference updated');

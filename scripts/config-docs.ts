// Regenerates README.md's generated parts: the configuration reference (src/config/schema.ts) and
// the source and sink tables (src/sources/catalog.ts, src/sinks/catalog.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { withGeneratedDocs } from '../src/config/docs.ts';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, withGeneratedDocs(readFileSync(path, 'utf8')));
console.log('README.md configuration reference and component tables updated');

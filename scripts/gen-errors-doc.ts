// Writes docs/errors.md from the code registry (src/errors.ts). Run: node --import tsx scripts/gen-errors-doc.ts
import { writeFileSync } from 'node:fs';
import { renderErrorsDoc } from '../src/errors-doc.ts';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());

// Writes schema/experiment.schema.json from the experiment format's description:
//   node --import tsx scripts/gen-schema.ts
import { writeFileSync } from 'node:fs';
import { renderExperimentSchema } from '../src/experiment/schema/document.ts';

const target = new URL('../schema/experiment.schema.json', import.meta.url);
writeFileSync(target, renderExperimentSchema());
process.stdout.write(`wrote ${target.pathname}\n`);

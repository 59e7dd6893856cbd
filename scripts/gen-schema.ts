// Writes schema/experiment.schema.json from the experiment format's description and the arguments of every
// native driver's activities (src/drivers/index.ts lists the drivers):
//   node --import tsx scripts/gen-schema.ts
import { writeFileSync } from 'node:fs';
import { loadDriverActivities } from '../src/drivers/all.ts';
import { renderExperimentSchema } from '../src/experiment/schema/document.ts';

const target = new URL('../schema/experiment.schema.json', import.meta.url);
writeFileSync(target, renderExperimentSchema(await loadDriverActivities()));
process.stdout.write(`wrote ${target.pathname}\n`);

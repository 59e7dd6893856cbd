// The bundle's entry (bin/turbulence.js answers --version before loading it): commander and each command's code are
// imported lazily, so that start-up stays close to bare Node.
import { writeSync } from 'node:fs';

import('./program.ts').then(
  async ({ main }) => {
    process.exitCode = await main(process.argv.slice(2));
  },
  (err: Error) => {
    writeSync(2, `turbulence: cannot start: ${err.message}\n`);
    process.exitCode = 1;
  },
);

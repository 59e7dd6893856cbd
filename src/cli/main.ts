// The CLI entry: global options as in `chaos`, subcommands loaded lazily so that start-up stays close to bare Node.
import { VERSION } from '../version.ts';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // Fast path: no argument parser, no command modules.
  process.stdout.write(`turbulence, version ${VERSION}\n`);
} else {
  const { main } = await import('./program.ts');
  process.exitCode = await main(argv);
}

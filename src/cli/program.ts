// Commander wiring only: every command's work lives in commands/<name>.ts and is imported when that command runs.
import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../version.ts';
import { type GlobalOptions, applyGlobals, reportError } from './globals.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('turbulence')
    .description('Chaos engineering toolkit: runs Chaos Toolkit experiments unchanged, with native drivers.')
    .version(`turbulence, version ${VERSION}`, '-V, --version', 'show the version and exit')
    .option('--verbose', 'show debug messages and stack traces', false)
    .option('--no-version-check', 'accepted for compatibility with chaos; Turbulence never calls home')
    .option('--change-dir <dir>', 'change to this directory before doing anything')
    .option('--no-log-file', 'do not write a log file')
    .option('--log-file <path>', 'log file path', 'turbulence.log')
    .addOption(new Option('--log-file-level <level>', 'log file level').choices(['debug', 'info', 'warning', 'error']).default('debug'))
    .addOption(new Option('--log-format <format>', 'console log format').choices(['string', 'json']).default('string'))
    .option('--settings <path>', 'settings file (default ~/.turbulence/settings.yaml, else ~/.chaostoolkit/settings.yaml)')
    .showHelpAfterError()
    .exitOverride();

  const globals = () => program.opts<GlobalOptions>();
  const action =
    <A extends unknown[]>(load: () => Promise<(g: GlobalOptions, ...args: A) => Promise<number>>) =>
    async (...args: A) => {
      try {
        const g = globals();
        await applyGlobals(g);
        const fn = await load();
        exitCode = await fn(g, ...args);
      } catch (err) {
        exitCode = reportError(err, globals().verbose);
      }
    };

  program
    .command('run')
    .description('run an experiment and write its journal (exit 0 when completed and not deviated, 1 otherwise)')
    .argument('<source>', 'experiment file (.json, .yaml, .yml) or http(s) URL')
    .option('--journal-path <path>', 'where to write the journal', './journal.json')
    .addOption(new Option('--dry <mode>', 'do not run some activities').choices(['probes', 'actions', 'activities', 'pause']))
    .option('--no-validation', 'skip validation of the experiment')
    .option('--no-verify-tls', 'do not verify TLS certificates when loading the experiment from a URL')
    .addOption(
      new Option('--rollback-strategy <strategy>', 'when to play rollbacks').choices(['default', 'always', 'never', 'deviated']),
    )
    .option('--var <key[:type]=value>', 'override a declared configuration key; type is str, int, float, bytes, bool or json (repeatable)', collect, [])
    .option('--var-file <path>', 'configuration/secrets overrides from a .json/.yaml file, or a .env file (repeatable)', collect, [])
    .option('--control-file <path>', 'global controls from a JSON or YAML file keyed by name (repeatable)', collect, [])
    .addOption(
      new Option('--hypothesis-strategy <strategy>', 'when to check the steady-state hypothesis')
        .choices(['default', 'before-method-only', 'after-method-only', 'during-method-only', 'continuously', 'continously']),
    )
    .option('--hypothesis-frequency <seconds>', 'seconds between continuous hypothesis checks', parseFloat, 1.0)
    .option('--fail-fast', 'with a continuous hypothesis, stop at the first deviation', false)
    .action(action(async () => (await import('./commands/run.ts')).runCommand));

  program
    .command('demo')
    .description('start the bundled demo system and run its experiment against a fragile, then a resilient variant')
    .argument('[system]', 'the demo system (exchange: the service of "Learning Chaos Engineering", chapter 5)', 'exchange')
    .addOption(new Option('--variant <variant>', 'which variant of the service').choices(['fragile', 'resilient', 'both']).default('both'))
    .option('--port <port>', 'port of the service (default: a free port)')
    .action(action(async () => (await import('./commands/demo.ts')).demoCommand));

  program
    .command('validate')
    .description('validate an experiment (exit 0 when valid, 1 otherwise); reports every problem with its location')
    .argument('<source>', 'experiment file (.json, .yaml, .yml) or http(s) URL')
    .option('--no-verify-tls', 'do not verify TLS certificates when loading the experiment from a URL')
    .option('--json', 'print the result as JSON on stdout', false)
    .action(action(async () => (await import('./commands/validate.ts')).validateCommand));

  const keyHelp =
    'KEY is dotted (runtime.rollbacks.strategy), \\. is a literal dot (auths.example\\.com.value; quote it or write\n' +
    '\\\\. in a shell) and [i] indexes a list (notifications[0].url).';
  const missingHelp = 'Exit 1 when the settings file or the key is missing.';
  const secretsHelp =
    'Secrets are masked as ******** unless --show-secrets is given: auths.*.value, every value under a key whose last\n' +
    'word is token, password, passwd, pwd, secret(s), key, apikey, credential(s), authorization, cookie, passphrase or\n' +
    'private (api_key, X-Auth-Token, client_secret...), and passwords in user:password@ URLs. `get` of a single value\n' +
    'prints it as is.';
  const settings = program
    .command('settings')
    .description('show or change the settings file (--settings, else ~/.turbulence/settings.yaml, else ~/.chaostoolkit/settings.yaml)');
  settings
    .command('show')
    .description('print the settings')
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('--show-secrets', 'print secrets in clear', false)
    .addHelpText('after', `\n${secretsHelp}`)
    .action(action(async () => (await import('./commands/settings.ts')).settingsShow));
  settings
    .command('get')
    .description('print the value at KEY')
    .argument('<key>')
    .addOption(
      new Option('--format <format>', 'output format (string: a string as is, anything else as one line of JSON)')
        .choices(['yaml', 'json', 'string'])
        .default('yaml'),
    )
    .option('--show-secrets', 'print secrets inside a mapping or list in clear', false)
    .addHelpText('after', `\n${keyHelp} ${missingHelp}\n\n${secretsHelp}`)
    .action(action(async () => (await import('./commands/settings.ts')).settingsGet));
  settings
    .command('set')
    .description('set KEY to VALUE, creating missing intermediate keys; [n] with n = list length appends')
    .argument('<key>')
    .argument('<value>', 'JSON (\'"always"\', 3, true, \'{"a": 1}\'); a bare word that is not JSON is a string')
    .addHelpText(
      'after',
      `\n${keyHelp} Exit 1 when the settings file is missing.\n` +
        'The file is rewritten as YAML with sorted keys (comments are not kept), as chaos does.',
    )
    .action(action(async () => (await import('./commands/settings.ts')).settingsSet));
  settings
    .command('remove')
    .description('remove KEY and everything under it')
    .argument('<key>')
    .addHelpText('after', `\n${keyHelp} ${missingHelp}`)
    .action(action(async () => (await import('./commands/settings.ts')).settingsRemove));

  program
    .command('discover')
    .description('write the discovery document (activities, arguments, defaults) of the native drivers, as chaos discover')
    .argument('[driver...]', 'drivers (process, file) or native python modules (os, os.path, shutil); all when none')
    .option('--discovery-path <path>', 'where to write the discovery', './discovery.json')
    .option('--no-system-info', 'do not discover system information')
    .option('--json', 'print the discovery on stdout instead of writing the file', false)
    .option('--python <package>', "an installed Python extension's discover(), through the Python bridge (nothing is installed)")
    .action(action(async () => (await import('./commands/discover.ts')).discoverCommand));

  program
    .command('info')
    .description('show information about Turbulence: core (versions, platform, settings path), settings (masked), extensions')
    .addArgument(new (await import('commander')).Argument('<target>', 'what to show').choices(['core', 'settings', 'extensions']))
    .option('--json', 'print as JSON on stdout', false)
    .action(action(async () => (await import('./commands/info.ts')).infoCommand));

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; usage errors exit 2 like click.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help'
        ? 0
        : 2;
    }
    return reportError(err, globals().verbose);
  }
  return exitCode;
}

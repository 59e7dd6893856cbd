// `turbulence init --help`'s closing text (plain strings: program.ts imports it at start-up).
export const INIT_HELP = `
Without authoring flags and with stdin a terminal, init asks its questions. Otherwise it builds the experiment
from the flags above; nothing is written unless it passes \`turbulence validate\`.

SPEC is one argument (quote it):
  MODULE.FUNC key=value...   a driver activity (see \`turbulence discover --json\`), e.g.
                             turbulence.process.kill_process name=myservice signal=SIGTERM
  http url=URL key=value...  the generic http provider (method, headers, arguments, timeout, verify_tls, max_retries)
  process path=EXE ...       the generic process provider (arguments, timeout)
A value runs to the next space; quote it ('a b' or "a b") to include spaces, and JSON lists or mappings
([1, 2], {"a": 1}) may hold spaces. A string argument takes the text as is; others read it as JSON of the
argument's type (8080, true, ["sleep", "60"]), or as text when the argument accepts text. \${name}
placeholders are kept. --probe takes tolerance=VALUE (JSON, or text); true for boolean probes, 200 for http
and 0 for process when not given.

--rollback auto adds the undo of every method action that has one, last first; an undo that needs the
action's result (a backup path, a pid) cannot be stated ahead: give that rollback as a SPEC instead.

Example:
  turbulence init --title 'Service survives a restart' \\
    --probe 'http url=http://127.0.0.1:8080/ tolerance=200' \\
    --action 'turbulence.process.kill_process name=myservice signal=SIGTERM' \\
    --pause-after 2 --rollback auto --output experiment.json`;

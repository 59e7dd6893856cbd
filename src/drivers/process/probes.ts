// Process probes: whether the selected processes run, how many, and whether a TCP port is listened on. A selector
// that matches nothing is an answer here (false, 0), not a failure.
import type { DriverActivity } from '../define.ts';
import { findProcesses, listeningInodes, portNode, selector, selectorArguments } from './procfs.ts';

export const probes: DriverActivity[] = [
  {
    name: 'process_running',
    kind: 'probe',
    doc: 'Whether at least one live (not zombie) process matches the selector (pid, name, pattern, port).',
    arguments: selectorArguments,
    returns: 'boolean',
    run: (a) => findProcesses(selector(a)).length > 0,
  },
  {
    name: 'process_count',
    kind: 'probe',
    doc: 'How many live processes match the selector (pid, name, pattern, port).',
    arguments: selectorArguments,
    returns: 'integer',
    run: (a) => findProcesses(selector(a)).length,
  },
  {
    name: 'port_listening',
    kind: 'probe',
    doc: 'Whether a TCP socket (IPv4 or IPv6) listens on the port on this machine.',
    arguments: [{ name: 'port', schema: portNode }],
    returns: 'boolean',
    run: (a) => listeningInodes(a.port as number).size > 0,
  },
];

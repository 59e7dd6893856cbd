// The tolerance a steady-state probe is offered, read off what it returns.
import type { Json } from '../experiment/types.ts';
import type { Offering } from './catalog.ts';

export interface ToleranceHint {
  /** used when none is given; absent when no value is a sensible guess */
  suggested?: Json;
  /** what the tolerance may be, for the prompt and for the error when one is needed */
  help: string;
}

export function toleranceHint(o: Offering): ToleranceHint {
  if (o.id === 'http') return { suggested: 200, help: 'the expected status code (200), a list of them ([200, 204]), or a jsonpath/regex/range mapping' };
  if (o.id === 'process') return { suggested: 0, help: 'the expected exit code (0), or a regex/jsonpath mapping on stdout' };
  switch (o.returns) {
    case 'boolean':
      return { suggested: true, help: 'true or false' };
    case 'integer':
    case 'number':
    case 'float':
      return { help: `a ${o.returns === 'integer' ? 'value' : 'number'} (e.g. 1), or a [min, max] range ([1, 10])` };
    case 'string':
      return { help: 'the expected string, or {"type": "regex", "pattern": "..."}' };
    case 'list':
    case 'mapping':
      return { help: 'the expected value as JSON, or {"type": "jsonpath", "path": "...", "expect": ...}' };
    default:
      return { help: 'a value (JSON or text), a list, or a regex/jsonpath/range mapping' };
  }
}

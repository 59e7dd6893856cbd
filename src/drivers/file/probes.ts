// File probes: existence, size, and whether the content holds a string or matches a regular expression.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { ActivityFailed } from '../../errors.ts';
import { str } from '../../experiment/schema/vocabulary.ts';
import type { DriverActivity } from '../define.ts';
import { fsMessage } from './backup.ts';

const path = str({ minLength: 1, description: 'a file path' });

export const probes: DriverActivity[] = [
  {
    name: 'file_exists',
    kind: 'probe',
    doc: 'Whether the path exists (a broken symbolic link does not).',
    arguments: [{ name: 'path', schema: path }],
    returns: 'boolean',
    run: (a) => existsSync(a.path as string),
  },
  {
    name: 'file_size',
    kind: 'probe',
    doc: 'The size of the file in bytes.',
    arguments: [{ name: 'path', schema: path }],
    returns: 'integer',
    run: (a) => {
      try {
        return statSync(a.path as string).size;
      } catch (err) {
        throw new ActivityFailed(`cannot read the size of ${a.path}: ${fsMessage(err)}`);
      }
    },
  },
  {
    name: 'file_contains',
    kind: 'probe',
    doc: 'Whether the file (read as UTF-8) contains `text`, or has a match of the regular expression `pattern`.',
    arguments: [
      { name: 'path', schema: path },
      { name: 'text', schema: str(), default: null },
      { name: 'pattern', schema: str({ minLength: 1 }), default: null },
    ],
    returns: 'boolean',
    run: (a) => {
      if ((a.text === null) === (a.pattern === null)) throw new ActivityFailed('file_contains needs exactly one of text or pattern');
      let regex: RegExp | null = null;
      if (a.pattern !== null) {
        try {
          regex = new RegExp(a.pattern as string, 'm');
        } catch (err) {
          throw new ActivityFailed(`invalid pattern ${JSON.stringify(a.pattern)}: ${(err as Error).message}`);
        }
      }
      let content: string;
      try {
        content = readFileSync(a.path as string, 'utf8');
      } catch (err) {
        throw new ActivityFailed(`cannot read ${a.path}: ${fsMessage(err)}`);
      }
      return regex ? regex.test(content) : content.includes(a.text as string);
    },
  },
];

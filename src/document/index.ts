// Generic JSON/YAML documents (experiments, settings, var files, control files) with line:col source maps.
import type { Problem } from '../errors.ts';
import type { JsonPath, Location } from '../experiment/types.ts';
import { parseJson } from './json.ts';

export { DocumentSyntaxError } from './source-map.ts';

export interface ParsedDocument {
  value: unknown;
  format: 'json' | 'yaml';
  /** file:line:col of the node at this JSON path (nearest existing ancestor if the path does not exist), or undefined */
  locate(path: JsonPath): Location | undefined;
  /** non-fatal findings, e.g. duplicate YAML keys (last value wins, as PyYAML) with their location */
  warnings: Problem[];
}

/**
 * Parses JSON or YAML text; `id` is the file path or URL used in locations. Throws InvalidSource with
 * `id:line:col: <reason>` on malformed input. YAML follows PyYAML safe_load (YAML 1.1).
 */
export async function parseDocument(text: string, id: string, format: 'json' | 'yaml'): Promise<ParsedDocument> {
  if (format === 'json') return parseJson(text, id);
  // the yaml package is only loaded when a YAML document is read, to keep JSON start-up fast
  const { parseYaml } = await import('./yaml.ts');
  return parseYaml(text, id);
}

// The experiment's JSON Schema document, as committed in schema/experiment.schema.json (scripts/gen-schema.ts).
import type { Json } from '../types.ts';
import { type ActivitySignature, driverRules } from './driver-arguments.ts';
import { experimentSchema } from './experiment.ts';
import { type Schema, toJsonSchema } from './json-schema.ts';

/** The schema; with `drivers` (every loaded driver activity), their arguments are checked too. */
export function experimentJsonSchema(drivers: ActivitySignature[] = []): Record<string, unknown> {
  const schema = toJsonSchema(experimentSchema(), {
    title: 'Chaos Toolkit experiment',
    description:
      'An experiment as Turbulence and the Chaos Toolkit (chaostoolkit-lib 1.44.0) run it. Generated from ' +
      'src/experiment/schema/experiment.ts; semantic rules (refs, environment variables, executables) are checked ' +
      'by `turbulence validate`.',
  });
  const defs = schema.$defs as Record<string, Schema>;
  const rules = driverRules(drivers, defs);
  if (rules.length) {
    defs.providerPython = { ...(defs.providerPython as Record<string, Json>), allOf: rules };
    schema.$defs = Object.fromEntries(Object.keys(defs).sort().map((k) => [k, defs[k] as Json]));
  }
  return schema;
}

/** The file's text: two-space indentation and a final newline. */
export function renderExperimentSchema(drivers: ActivitySignature[] = []): string {
  return JSON.stringify(experimentJsonSchema(drivers), null, 2) + '\n';
}

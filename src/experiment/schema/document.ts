// The experiment's JSON Schema document, as committed in schema/experiment.schema.json (scripts/gen-schema.ts).
import { experimentSchema } from './experiment.ts';
import { toJsonSchema } from './json-schema.ts';

export function experimentJsonSchema(): Record<string, unknown> {
  return toJsonSchema(experimentSchema(), {
    title: 'Chaos Toolkit experiment',
    description:
      'An experiment as Turbulence and the Chaos Toolkit (chaostoolkit-lib 1.44.0) run it. Generated from ' +
      'src/experiment/schema/experiment.ts; semantic rules (refs, environment variables, executables) are checked ' +
      'by `turbulence validate`.',
  });
}

/** The file's text: two-space indentation and a final newline. */
export function renderExperimentSchema(): string {
  return JSON.stringify(experimentJsonSchema(), null, 2) + '\n';
}

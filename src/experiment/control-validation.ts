// Controls may check their own declaration, as chaoslib's validate_python_control lets a control module do. How a
// control of a provider type is checked is plugged in here by that provider (python: a native module or the module's
// own `validate_control` through the bridge), so that validation knows no provider.
import type { Problem } from '../errors.ts';
import type { JsonPath } from './types.ts';

export interface ControlVerdict {
  problems: Problem[];
  warnings: Problem[];
}

export type ControlValidator = (control: Record<string, unknown>, path: JsonPath) => Promise<ControlVerdict>;

const validators = new Map<string, ControlValidator>();

export function registerControlValidator(type: string, validate: ControlValidator): void {
  validators.set(type, validate);
}

export function getControlValidator(type: string): ControlValidator | undefined {
  return validators.get(type);
}

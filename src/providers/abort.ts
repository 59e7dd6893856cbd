// What a provider rejects with when the run interrupts it: the reason the engine gave the AbortSignal.
import { ChaosError } from '../errors.ts';

export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new ChaosError('activity interrupted');
}

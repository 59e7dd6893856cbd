// What a run tells its observers (the live progress view, reports, metrics). Observers never change the run.
import type { Activity } from '../experiment/types.ts';
import type { ActivityRun, HypothesisState, Journal } from '../journal/journal.ts';
import type { Strategies } from './strategy.ts';

export type Phase = 'before' | 'during' | 'after' | 'method' | 'rollbacks';

export interface RunObserver {
  runStarted?(journal: Journal, strategies: Strategies): void;
  hypothesisStarted?(phase: Phase, title: string): void;
  hypothesisCompleted?(phase: Phase, state: HypothesisState | null): void;
  methodStarted?(): void;
  methodCompleted?(): void;
  rollbacksStarted?(): void;
  rollbacksSkipped?(reason: string): void;
  rollbacksCompleted?(): void;
  activityStarted?(phase: Phase, activity: Activity, background: boolean): void;
  activityCompleted?(phase: Phase, activity: Activity, run: ActivityRun): void;
  interrupted?(message: string): void;
  runFinished?(journal: Journal): void;
}

/** Fans events out to every observer; an observer that throws is ignored (it must never break a run). */
export class RunEvents {
  private observers: RunObserver[] = [];

  add(observer: RunObserver): void {
    this.observers.push(observer);
  }

  emit<K extends keyof RunObserver>(event: K, ...args: Parameters<NonNullable<RunObserver[K]>>): void {
    for (const o of this.observers) {
      try {
        (o[event] as ((...a: unknown[]) => void) | undefined)?.apply(o, args);
      } catch {
        // observers are best-effort
      }
    }
  }
}

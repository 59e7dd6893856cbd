// The interview of `turbulence init` on a terminal: title and description, steady-state probes with their
// tolerances, the method, then rollbacks, each action's undo offered first.
import type { DriverArgument } from '../drivers/define.ts';
import type { Json, Pauses } from '../experiment/types.ts';
import { Aborted, type Asker, terminalAsker } from './ask.ts';
import { GENERIC, type Offering, findOffering } from './catalog.ts';
import type { Authored, MethodStep } from './experiment.ts';
import { undoOutcomes } from './rollback.ts';
import { type Choice, parseTolerance } from './spec.ts';
import { toleranceHint } from './tolerance.ts';
import { describeType, parseValue, showValue } from './value.ts';

export type Interview = { kind: 'done'; authored: Authored } | { kind: 'interrupted' } | { kind: 'eof' };

export async function interview(catalog: Offering[], asker: Asker = terminalAsker()): Promise<Interview> {
  try {
    return { kind: 'done', authored: await converse(new Prompts(asker, catalog)) };
  } catch (err) {
    if (err instanceof Aborted) {
      asker.say('');
      return { kind: err.why };
    }
    throw err;
  } finally {
    asker.close();
  }
}

async function converse(p: Prompts): Promise<Authored> {
  p.say(
    'This creates a Chaos Toolkit experiment: a steady-state hypothesis (optional), a method (its activities; an\n' +
      'empty one only checks the steady state) and rollbacks (optional). Ctrl-C or Ctrl-D aborts; nothing is\n' +
      'written before the end.\n',
  );
  const title = await p.text('Experiment title');
  const description = await p.text('Description', 'N/A');

  p.say('\nSteady-state hypothesis: probes whose output, within its tolerance, says the system is normal.');
  const hypothesis: Choice[] = [];
  for (let c; (c = await p.pick('Steady-state probe', (o) => o.kind !== 'action', 'probe')); ) {
    c.tolerance = await p.tolerance(c.offering);
    hypothesis.push(c);
  }
  const hypothesisTitle = hypothesis.length ? await p.text('Hypothesis title', 'The system is in its normal state') : '';

  p.say('\nMethod: the actions that inject faults, and probes that observe the system meanwhile, in order.');
  const method: MethodStep[] = [];
  for (let c; (c = await p.pick('Method activity', () => true)); ) {
    const step: MethodStep = c;
    if (c.type === 'action') {
      const after = await p.seconds('Pause after it, in seconds (empty: none)');
      if (after !== undefined) step.pauses = { after } satisfies Pauses;
    }
    method.push(step);
  }

  p.say('\nRollbacks: actions that put the system back once the method is over.');
  const rollbacks = await p.undos(method);
  for (let c; (c = await p.pick('Rollback action', (o) => o.kind !== 'probe', 'action')); ) rollbacks.push(c);

  return { title, description, tags: [], hypothesisTitle, hypothesis, method, rollbacks };
}

class Prompts {
  private readonly listed = new Set<string>();

  constructor(
    private readonly asker: Asker,
    private readonly catalog: Offering[],
  ) {}

  say(text: string): void {
    this.asker.say(text);
  }

  /** A non-empty answer, or the default when one is offered. */
  async text(question: string, fallback?: string): Promise<string> {
    for (;;) {
      const a = await this.asker.ask(`${question}${fallback !== undefined ? ` [${fallback}]` : ''}: `);
      if (a) return a;
      if (fallback !== undefined) return fallback;
      this.say('  an answer is required');
    }
  }

  async yes(question: string, fallback: boolean): Promise<boolean> {
    for (;;) {
      const a = (await this.asker.ask(`${question} [${fallback ? 'Y/n' : 'y/N'}]: `)).toLowerCase();
      if (!a) return fallback;
      if (['y', 'yes'].includes(a)) return true;
      if (['n', 'no'].includes(a)) return false;
      this.say('  answer y or n');
    }
  }

  async seconds(question: string): Promise<number | undefined> {
    for (;;) {
      const a = await this.asker.ask(`${question}: `);
      if (!a) return undefined;
      const n = Number(a);
      if (Number.isFinite(n) && n >= 0) return n;
      this.say('  expected a number of seconds');
    }
  }

  /**
   * A numbered list of the offerings `wanted` keeps, grouped by driver; the chosen one with its arguments, or null
   * when the answer is empty. `as` fixes the type of a generic provider; else it is asked.
   */
  async pick(what: string, wanted: (o: Offering) => boolean, as?: 'probe' | 'action'): Promise<Choice | null> {
    const list = this.catalog.filter(wanted);
    const show = () => {
      let group = '';
      const labels = list.map((o) => {
        const name = o.group === GENERIC ? o.id : o.id.slice(o.group.length + 1);
        return as || o.kind === 'either' ? name : `${name} (${o.kind})`;
      });
      const width = Math.max(...labels.map((l) => l.length));
      list.forEach((o, i) => {
        if (o.group !== group) this.say(`  ${(group = o.group)}`);
        this.say(`  ${String(i + 1).padStart(4)}) ${labels[i]!.padEnd(width)}  ${firstSentence(o.doc)}`);
      });
    };
    // the list once per question; `?` shows it again
    if (!this.listed.has(what)) show();
    this.listed.add(what);
    for (;;) {
      const a = await this.asker.ask(`${what} number (? lists them, empty when done): `);
      if (!a) return null;
      if (a === '?') {
        show();
        continue;
      }
      const n = Number(a);
      const offering = Number.isInteger(n) && n >= 1 ? list[n - 1] : list.find((o) => o.id === a);
      if (!offering) {
        this.say(`  expected a number from 1 to ${list.length}`);
        continue;
      }
      this.say(`  ${offering.id}: ${offering.doc}`);
      const type =
        offering.kind !== 'either' ? offering.kind : (as ?? ((await this.yes('  Use it as a probe (observe) rather than an action?', false)) ? 'probe' : 'action'));
      return { offering, type, arguments: await this.arguments(offering.arguments) };
    }
  }

  /** Each argument's value; `known` ones are offered as defaults. Empty keeps the default (the argument is omitted). */
  async arguments(args: DriverArgument[], known: Record<string, Json> = {}): Promise<Record<string, Json>> {
    const out: Record<string, Json> = {};
    // grouped arguments refine a choice whose defaults fit most experiments: offered together, on request
    const groups = new Map<string, DriverArgument[]>();
    for (const arg of args) {
      if (arg.group && !Object.hasOwn(known, arg.name)) groups.set(arg.group, [...(groups.get(arg.group) ?? []), arg]);
      else await this.argument(arg, known, out);
    }
    for (const [group, members] of groups) {
      if (!(await this.yes(`    Set the ${group} (${members.map((m) => m.name).join(', ')})?`, false))) continue;
      for (const arg of members) await this.argument(arg, known, out);
    }
    return out;
  }

  /** One argument's value into `out`; empty keeps the offered value or the default (the argument is omitted). */
  private async argument(arg: DriverArgument, known: Record<string, Json>, out: Record<string, Json>): Promise<void> {
    const offered = Object.hasOwn(known, arg.name) ? known[arg.name] : undefined;
    const required = arg.default === undefined && offered === undefined;
    const notes = [describeType(arg.schema) + (arg.schema.description ? ` — ${arg.schema.description}` : '')];
    if (offered === undefined) notes.push(required ? 'required' : arg.default === null ? 'optional' : `default ${showValue(arg.default!)}`);
    const question = `    ${arg.name} (${notes.join(', ')})${offered !== undefined ? ` [${showValue(offered)}]` : ''}: `;
    for (;;) {
      const a = await this.asker.ask(question);
      if (!a) {
        if (offered !== undefined) out[arg.name] = offered;
        if (!required) return;
        this.say('    a value is required');
        continue;
      }
      const parsed = parseValue(a, arg.schema);
      if ('value' in parsed) {
        out[arg.name] = parsed.value;
        return;
      }
      this.say(`    ${parsed.error}`);
    }
  }

  async tolerance(o: Offering): Promise<Json> {
    const hint = toleranceHint(o);
    const suggested = hint.suggested !== undefined ? ` [${JSON.stringify(hint.suggested)}]` : '';
    for (;;) {
      const a = await this.asker.ask(`    tolerance (${hint.help})${suggested}: `);
      if (a) return parseTolerance(a);
      if (hint.suggested !== undefined) return hint.suggested;
      this.say('    a tolerance is required');
    }
  }

  /** The undo of each method action, last fault first, offered as a rollback. */
  async undos(method: Choice[]): Promise<Choice[]> {
    const out: Choice[] = [];
    for (const { step, outcome } of undoOutcomes(method)) {
      if (outcome.kind === 'opaque') {
        this.say(`  ${step.offering.id}: ${outcome.reason}; pick its rollback from the list if you want one.`);
        continue;
      }
      const { plan } = outcome;
      const offering = findOffering(this.catalog, `${plan.module}.${plan.func}`);
      if (typeof offering === 'string') continue;
      const missing = Object.entries(plan.fromResult);
      const call = Object.entries({ ...plan.arguments, ...Object.fromEntries(missing.map(([k, path]) => [k, `<${path}>`])) })
        .map(([k, v]) => `${k}=${showValue(v as Json)}`)
        .join(' ');
      this.say(`  ${step.offering.id} is undone by ${offering.id} ${call}`);
      if (!(await this.yes('  Add it as a rollback?', true))) continue;
      if (missing.length) {
        this.say(
          `  Its ${missing.map(([k, path]) => `${k} comes from the action's ${path}`).join(', ')}, only known at run time:\n` +
            `  give ${offering.id}'s arguments yourself (empty keeps the value in brackets or the default).`,
        );
        out.push({ offering, type: 'action', arguments: await this.arguments(offering.arguments, plan.arguments) });
      } else {
        out.push({ offering, type: 'action', arguments: plan.arguments });
      }
    }
    return out;
  }
}

function firstSentence(doc: string): string {
  const s = doc.split(/(?<=\.)\s/)[0] ?? doc;
  return s.length > 70 ? `${s.slice(0, 67)}...` : s;
}

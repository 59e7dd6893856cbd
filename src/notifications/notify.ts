// Notifications from the settings (`notifications:`), as chaoslib sends them: an `http` channel POSTs the event as
// JSON (or a bare GET when `forward_event_payload` is false); a `plugin` channel calls `func(channel, event)` of a
// JavaScript module. Failures are logged at debug level and never affect the run.
import { log } from '../log.ts';
import { importUserModule } from '../modules.ts';
import type { Settings } from '../settings/settings.ts';

export type FlowEvent =
  | 'run-started'
  | 'run-completed'
  | 'run-failed'
  | 'run-deviated'
  | 'validate-started'
  | 'validate-completed'
  | 'validate-failed'
  | 'discovery-started'
  | 'discovery-completed'
  | 'discovery-failed'
  | 'init-started'
  | 'init-completed'
  | 'init-failed';

export interface EventPayload {
  name: FlowEvent;
  payload: unknown;
  phase: 'run' | 'validate' | 'discovery' | 'init';
  /** seconds since the epoch (UTC), a float as the reference sends it */
  ts: number;
  error?: string;
}

type Channel = Record<string, unknown>;

const PHASE = { run: 'run', validate: 'validate', discovery: 'discovery', init: 'init' } as const;

export async function notify(settings: Settings, event: FlowEvent, payload?: unknown, error?: unknown): Promise<void> {
  const channels = settings.notifications;
  if (!Array.isArray(channels) || channels.length === 0) return;
  const body: EventPayload = {
    name: event,
    payload: payload ?? null,
    phase: PHASE[event.split('-')[0] as keyof typeof PHASE],
    ts: Date.now() / 1000,
  };
  if (error) body.error = error instanceof Error ? `An exception was raised: ${error.name}('${error.message}')` : String(error);
  for (const channel of channels as Channel[]) {
    const events = channel?.events;
    if (Array.isArray(events) && events.length > 0 && !events.includes(event)) continue;
    if (channel.type === 'http') await viaHttp(channel, body);
    else if (channel.type === 'plugin') await viaPlugin(channel, body);
  }
}

async function viaHttp(channel: Channel, event: EventPayload): Promise<void> {
  const url = typeof channel.url === 'string' ? channel.url : '';
  if (!url) {
    log.debug('missing url in notification channel');
    return Promise.resolve();
  }
  const forward = channel.forward_event_payload !== false;
  const data = forward ? JSON.stringify(event) : undefined;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries((channel.headers as Record<string, unknown>) ?? {})) headers[k] = String(v);
  if (data) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(data));
  }
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return log.debug(`invalid notification url ${url}`);
  }
  // loaded here: most runs notify nobody, and node:https alone costs every run milliseconds of start-up
  const send = target.protocol === 'https:' ? (await import('node:https')).request : (await import('node:http')).request;
  return new Promise((resolve) => {
    const req = send(target, {
      method: forward ? 'POST' : 'GET',
      headers,
      rejectUnauthorized: channel.verify_tls !== false,
      timeout: 2000, // connect; the 5 s read limit is the response timer below
    });
    const readTimer = setTimeout(() => req.destroy(new Error('read timeout')), 7000);
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => {
        clearTimeout(readTimer);
        if ((res.statusCode ?? 0) >= 400) log.debug(`notification sent to ${url} failed with: ${res.statusCode}`);
        resolve();
      });
    });
    req.on('timeout', () => req.destroy(new Error('connect timeout')));
    req.on('error', (err) => {
      clearTimeout(readTimer);
      log.debug(`failed calling notification endpoint: ${err.message}`);
      resolve();
    });
    req.end(data);
  });
}

async function viaPlugin(channel: Channel, event: EventPayload): Promise<void> {
  const module = String(channel.module ?? '');
  const func = String(channel.func ?? 'notify');
  let mod: Record<string, unknown>;
  try {
    mod = await importUserModule(module);
  } catch {
    return log.debug(`could not find plugin '${module}' for notification`);
  }
  const fn = mod[func];
  if (typeof fn !== 'function') return log.debug(`could not find function '${func}' in plugin '${module}' for notification`);
  try {
    await fn(channel, event);
  } catch (err) {
    log.debug(`failed calling notification plugin: ${(err as Error).message}`);
  }
}

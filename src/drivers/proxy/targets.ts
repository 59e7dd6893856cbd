// What each proxy action would hit, for `--dry actions`: the Toxiproxy API, the proxy, and the toxic. Nothing is
// asked of the server (it may only exist once earlier actions ran).
import type { Json } from '../../experiment/types.ts';
import type { DriverActivity } from '../define.ts';
import { resolveApi } from './client.ts';

type TargetsHook = NonNullable<DriverActivity['targets']>;

const proxy: TargetsHook = (a, ctx) => [{ api: resolveApi(a.api_url, ctx.configuration), proxy: a.name as string }];

export const targets: Record<string, TargetsHook> = {
  create_proxy: (a, ctx) => [{ api: resolveApi(a.api_url, ctx.configuration), proxy: a.name as string, listen: a.listen as string, upstream: a.upstream as string }],
  delete_proxy: proxy,
  disable_proxy: proxy,
  enable_proxy: proxy,
  add_toxic: (a, ctx) => [
    {
      api: resolveApi(a.api_url, ctx.configuration),
      proxy: a.proxy as string,
      toxic: (a.name as string | null) ?? `${a.type as string}_${a.stream as string}`,
      type: a.type as string,
      stream: a.stream as string,
      toxicity: a.toxicity as number,
      attributes: a.attributes as Json,
    },
  ],
  remove_toxic: (a, ctx) => [{ api: resolveApi(a.api_url, ctx.configuration), proxy: a.proxy as string, toxic: a.name as string }],
};

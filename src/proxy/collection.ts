// The set of proxies by name (Toxiproxy's ProxyCollection).
import { ErrProxyAlreadyExists, ErrProxyNotFound } from './api/errors.ts';
import type { Proxy } from './proxy.ts';

export class ProxyCollection {
  private readonly proxies = new Map<string, Proxy>();

  all(): Proxy[] {
    return [...this.proxies.values()];
  }

  get(name: string): Proxy {
    const p = this.proxies.get(name);
    if (!p) throw ErrProxyNotFound;
    return p;
  }

  /** Adds a new proxy, starting it first when asked; a failed start adds nothing. */
  async add(proxy: Proxy, start: boolean): Promise<void> {
    if (this.proxies.has(proxy.name)) throw ErrProxyAlreadyExists;
    if (start) await proxy.start();
    this.proxies.set(proxy.name, proxy);
  }

  /** /populate: an existing proxy with the same listen and upstream is kept as it is, otherwise replaced. */
  async addOrReplace(proxy: Proxy, start: boolean): Promise<Proxy> {
    const existing = this.proxies.get(proxy.name);
    if (existing) {
      if (!(await existing.differs(proxy))) return existing;
      existing.stop();
    }
    if (start) await proxy.start();
    this.proxies.set(proxy.name, proxy);
    return proxy;
  }

  remove(name: string): void {
    const p = this.get(name);
    p.stop();
    p.toxics.reset();
    this.proxies.delete(name);
  }

  clear(): void {
    for (const name of [...this.proxies.keys()]) this.remove(name);
  }
}

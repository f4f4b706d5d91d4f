import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/** Asks the OS for a port nobody listens on. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A TCP relay in front of a real server. `cut()` drops every connection and refuses new ones,
 * as if the server went away; `restore()` lets traffic through again. `pause()` holds traffic in
 * both directions with every connection left open, as a stalled network or a broker that stopped
 * reading does; `resume()` lets it flow again. Tests use it to take a broker or database "down"
 * for one app without touching the shared server.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly links = new Set<[client: Socket, upstream: Socket]>();
  private paused = false;

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(await freePort(), target);
    await proxy.restore();
    return proxy;
  }

  /** `url` with its host and port replaced by the proxy's. */
  rewrite(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  async restore(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      const link: [Socket, Socket] = [client, upstream];
      this.links.add(link);
      for (const socket of link) socket.on('error', () => socket.destroy());
      client.on('close', () => {
        upstream.destroy();
        this.links.delete(link);
      });
      upstream.on('close', () => client.destroy());
      if (!this.paused) client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const [client, upstream] of this.links) {
      client.destroy();
      upstream.destroy();
    }
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  pause(): void {
    this.paused = true;
    for (const [client, upstream] of this.links) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  resume(): void {
    this.paused = false;
    for (const [client, upstream] of this.links) client.pipe(upstream).pipe(client);
  }
}

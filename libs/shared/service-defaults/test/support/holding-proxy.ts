import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy to RabbitMQ whose broker-to-service direction can be held, as while RabbitMQ blocks
 * publishers: what the service sends arrives, its confirms do not, until released.
 */
export class HoldingProxy {
  private held: Buffer[] | undefined;
  private readonly toService = new Set<Socket>();
  private constructor(readonly server: Server) {}

  static async start(): Promise<HoldingProxy> {
    const proxy = new HoldingProxy(createServer((service) => proxy.relay(service)));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  private relay(service: Socket): void {
    const broker = connect(5672, '127.0.0.1');
    service.pipe(broker);
    this.toService.add(service);
    broker.on('data', (chunk: Buffer) =>
      this.held ? this.held.push(chunk) : service.write(chunk),
    );
    const end = () => (service.destroy(), broker.destroy(), this.toService.delete(service));
    service.on('error', end).on('close', end);
    broker.on('error', end).on('close', end);
  }

  hold(): void {
    this.held = [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const service of this.toService) for (const chunk of held) service.write(chunk);
  }

  async close(): Promise<void> {
    for (const service of this.toService) service.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

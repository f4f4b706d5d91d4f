import { NestFactory } from '@nestjs/core';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { INestApplication } from '@nestjs/common';
import { CHAT_EVENTS_QUEUE, CHAT_QUEUE } from '@capstone/contracts';
import { JsonLogger } from '@capstone/logging';
import { eventConsumer, rpcServerOptions } from '@capstone/messaging';
import type { ChatConfig } from './chat.config.js';
import { ChatServiceModule } from './chat-service.module.js';

/**
 * Starts the chat service: Socket.IO at `/socket.io` and the health probes on its HTTP port,
 * requests from the gateway on its RPC queue, other services' events on its events queue.
 * Used by `apps/chat` and by tests alike.
 */
export async function startChatService(config: ChatConfig): Promise<INestApplication> {
  const app = await NestFactory.create(ChatServiceModule.forRoot(config), {
    abortOnError: false,
    logger: new JsonLogger('chat', config.LOG_LEVEL),
  });
  // Nest's own Socket.IO adapter, named here rather than loaded by name behind the scenes.
  app.useWebSocketAdapter(new IoAdapter(app));
  app.enableShutdownHooks();
  app.connectMicroservice(rpcServerOptions(config.AMQP_URL, CHAT_QUEUE));
  app.connectMicroservice(eventConsumer(config.AMQP_URL, CHAT_EVENTS_QUEUE));
  // Indexes are built and the Socket.IO server exists before the first event or request arrives.
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.PORT, '0.0.0.0');
  return app;
}

import type { INestApplication } from '@nestjs/common';
import { CHAT_EVENTS_QUEUE, CHAT_QUEUE } from '@capstone/contracts';
import { startService, type ServiceDefinition } from '@capstone/service-defaults';
import { CHAT_CONFIG, type ChatConfig } from './chat.config.js';
import { ChatServiceModule } from './chat-service.module.js';
import { ChatIoAdapter } from './realtime/chat-io-adapter.js';

/**
 * The chat service: Socket.IO at `/socket.io` and the health probes on its HTTP port, requests
 * from the gateway on `chat.rpc`, other services' events on `chat.events`.
 */
export function chatService(config: ChatConfig): ServiceDefinition<ChatConfig> {
  return {
    name: 'chat',
    module: ChatServiceModule,
    config,
    configToken: CHAT_CONFIG,
    rpcQueue: CHAT_QUEUE,
    eventsQueue: CHAT_EVENTS_QUEUE,
    // Nest's Socket.IO adapter, with less state per connection (see ChatIoAdapter).
    configure: (app) =>
      void app.useWebSocketAdapter(
        new ChatIoAdapter(
          app,
          config.SOCKET_LONG_POLLING ? ['polling', 'websocket'] : ['websocket'],
        ),
      ),
  };
}

/** Starts the chat service; used by `apps/chat` and by tests alike. */
export function startChatService(config: ChatConfig): Promise<INestApplication> {
  return startService(chatService(config));
}

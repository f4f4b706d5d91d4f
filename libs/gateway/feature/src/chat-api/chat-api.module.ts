import { Module } from '@nestjs/common';
import { ChatController } from './chat.controller.js';
import { SocketIoProxy } from './socket-proxy.js';

/** The chat's rooms and history over REST; its sockets are forwarded before Nest (socket-proxy.ts). */
@Module({ controllers: [ChatController], providers: [SocketIoProxy] })
export class ChatApiModule {}

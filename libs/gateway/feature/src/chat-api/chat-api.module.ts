import { Module } from '@nestjs/common';
import { ChatController } from './chat.controller.js';

/** The chat's rooms and history over REST; its sockets are forwarded before Nest (socket-proxy.ts). */
@Module({ controllers: [ChatController] })
export class ChatApiModule {}

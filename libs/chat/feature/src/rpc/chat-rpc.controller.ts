import { Controller, UseFilters, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload, Transport } from '@nestjs/microservices';
import { ChatRpc, type MessagePage, type RoomView } from '@capstone/contracts';
import {
  BrokerCorrelationInterceptor,
  RpcAccessLogInterceptor,
  RpcFailureFilter,
} from '@capstone/messaging';
import { MessagesService } from '../messages/messages.service.js';
import { RoomListing } from '../messages/room-listing.js';
import { ChatPayloads } from '../validation/chat-payloads.js';
import { parsePayload } from '../validation/payload.js';

/**
 * The chat's broker interface for the REST API (through the gateway): one handler per request in
 * `ChatRpc`. `Transport.RMQ` keeps these handlers on the RPC server, away from the events queue.
 */
@Controller()
@UseFilters(RpcFailureFilter)
// Outermost first: the correlation id must be set before the access log line is written.
@UseInterceptors(BrokerCorrelationInterceptor, RpcAccessLogInterceptor)
export class ChatRpcController {
  constructor(
    private readonly listing: RoomListing,
    private readonly messages: MessagesService,
  ) {}

  @MessagePattern(ChatRpc.listRooms.pattern, Transport.RMQ)
  listRooms(@Payload() request: unknown): Promise<RoomView[]> {
    return this.listing.forViewer(parsePayload(ChatPayloads.listRooms, request).viewerId);
  }

  @MessagePattern(ChatRpc.history.pattern, Transport.RMQ)
  history(@Payload() request: unknown): Promise<MessagePage> {
    return this.messages.history(parsePayload(ChatPayloads.history, request));
  }
}

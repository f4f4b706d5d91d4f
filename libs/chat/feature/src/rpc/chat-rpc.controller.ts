import { ChatRpc, type RpcPayload, type RpcReply } from '@capstone/contracts';
import { Rpc, RpcController } from '@capstone/messaging';
import { MessagesService } from '../messages/messages.service.js';
import { RoomListing } from '../messages/room-listing.js';

/**
 * The chat's broker interface for the REST API (through the gateway): one handler per request in
 * `ChatRpc`, each payload checked against its contract (`@Rpc`) before it is handled.
 */
@RpcController()
export class ChatRpcController {
  constructor(
    private readonly listing: RoomListing,
    private readonly messages: MessagesService,
  ) {}

  @Rpc(ChatRpc.listRooms)
  listRooms(
    request: RpcPayload<typeof ChatRpc.listRooms>,
  ): Promise<RpcReply<typeof ChatRpc.listRooms>> {
    return this.listing.forViewer(request);
  }

  @Rpc(ChatRpc.history)
  history(request: RpcPayload<typeof ChatRpc.history>): Promise<RpcReply<typeof ChatRpc.history>> {
    return this.messages.history(request);
  }
}

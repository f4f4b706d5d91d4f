import { ChatRpc, type RpcHandlers, type RpcPayload, type RpcReply } from '@capstone/contracts';
import { Rpc, RpcController } from '@capstone/messaging';
import { MessagesService } from '../messages/messages.service.js';
import { RoomListing } from '../messages/room-listing.js';
import { ProfileChanges } from '../realtime/profile-changes.js';

/**
 * The chat's broker interface for the gateway (the REST API, and profile changes to apply at once):
 * one handler per request in `ChatRpc` (a missing one does not compile), each payload checked
 * against its contract (`@Rpc`) before it is handled.
 */
@RpcController()
export class ChatRpcController implements RpcHandlers<typeof ChatRpc> {
  constructor(
    private readonly listing: RoomListing,
    private readonly messages: MessagesService,
    private readonly profiles: ProfileChanges,
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

  /** The gateway's copy of a profile change; the user event with the same version then does nothing. */
  @Rpc(ChatRpc.applyUser)
  async applyUser(
    profile: RpcPayload<typeof ChatRpc.applyUser>,
  ): Promise<RpcReply<typeof ChatRpc.applyUser>> {
    return { applied: await this.profiles.apply(profile) };
  }
}

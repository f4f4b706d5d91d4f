import { Injectable } from '@nestjs/common';
import type { RoomView } from '@capstone/contracts';
import { RoomViews } from '../rooms/room-views.js';
import { RoomsService } from '../rooms/rooms.service.js';
import { ReadMarkers } from './read-markers.js';

/** The rooms a viewer sees in their list: their own and every public one, with unread counts. */
@Injectable()
export class RoomListing {
  constructor(
    private readonly rooms: RoomsService,
    private readonly markers: ReadMarkers,
    private readonly views: RoomViews,
  ) {}

  async forViewer(viewerId: string): Promise<RoomView[]> {
    const rooms = await this.rooms.listFor(viewerId);
    return this.views.render(rooms, viewerId, await this.markers.unread(viewerId, rooms));
  }
}

import { ARTICLES_ROOM_NAME } from '@capstone/contracts';
import type { ChatMessageView, MessagePage, RoomView } from '@capstone/contracts';

/** Reads a path of the gateway's API as a signed-in user would. */
export type GatewayRead = (path: string) => Promise<{ readonly body: unknown }>;

/**
 * The chat's announcement of the article with this slug in the #articles room, read through the
 * gateway's REST API as the web page reads it; undefined while it has not arrived.
 */
export async function articleAnnouncement(
  read: GatewayRead,
  slug: string,
): Promise<ChatMessageView | undefined> {
  const { rooms } = (await read('/api/chat/rooms')).body as { rooms?: RoomView[] };
  const articles = rooms?.find((room) => room.name === ARTICLES_ROOM_NAME);
  if (!articles) return undefined;
  const { messages } = (await read(`/api/chat/rooms/${articles.id}/messages`)).body as MessagePage;
  return messages?.find((message) => message.text.includes(`(${slug})`));
}

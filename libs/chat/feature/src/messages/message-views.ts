import { Injectable } from '@nestjs/common';
import type { ChatMessageView, ChatUser } from '@capstone/contracts';
import type { MessageRecord } from '../persistence/message.schema.js';
import { UserDirectory } from '../users/user-directory.js';

/**
 * Messages as clients see them. Authors' names come from the users projection at read time, so
 * a renamed user shows with the new name on old messages too; the name stored with the message
 * is used only if the projection does not know the user. Text is passed on exactly as stored:
 * plain text, never escaped or interpreted here (the page shows it with `textContent`).
 */
@Injectable()
export class MessageViews {
  constructor(private readonly users: UserDirectory) {}

  async render(records: readonly MessageRecord[]): Promise<ChatMessageView[]> {
    const names = await this.users.names(
      records.flatMap((record) => (record.author ? [record.author.userId] : [])),
    );
    return records.map((record) => toView(record, names));
  }

  async renderOne(record: MessageRecord): Promise<ChatMessageView> {
    const [view] = await this.render([record]);
    if (!view) throw new Error('a rendered message went missing');
    return view;
  }

  /**
   * A message of `author`'s, as they send, edit or delete it: their name is the one their
   * connection carries, the newest the chat knows (`ConnectedUsers`), so no lookup is needed.
   */
  renderOwn(record: MessageRecord, author: ChatUser): ChatMessageView {
    return toView(record, new Map([[author.userId, author.username]]));
  }
}

function toView(record: MessageRecord, names: ReadonlyMap<string, string>): ChatMessageView {
  const { author } = record;
  return {
    id: record._id.toHexString(),
    roomId: record.roomId.toHexString(),
    author: author
      ? { userId: author.userId, username: names.get(author.userId) ?? author.username }
      : null,
    text: record.deletedAt ? '' : record.text,
    createdAt: record.createdAt.toISOString(),
    editedAt: record.editedAt?.toISOString() ?? null,
    deleted: Boolean(record.deletedAt),
    // A system message's key says what it announces; it is no client's id.
    clientMessageId: author ? record.clientMessageId : null,
  };
}

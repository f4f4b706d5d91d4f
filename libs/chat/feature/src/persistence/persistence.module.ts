import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { getModelToken, MongooseModule } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { CHAT_CONFIG, type ChatConfig } from '../chat.config.js';
import { ChatUserRecord, ChatUserSchema } from './chat-user.schema.js';
import { Message, MessageSchema } from './message.schema.js';
import { ReadMarker, ReadMarkerSchema } from './read-marker.schema.js';
import { RoomMember, RoomMemberSchema } from './room-member.schema.js';
import { Room, RoomSchema } from './room.schema.js';

const models = [
  { name: Room.name, schema: RoomSchema },
  { name: RoomMember.name, schema: RoomMemberSchema },
  { name: Message.name, schema: MessageSchema },
  { name: ReadMarker.name, schema: ReadMarkerSchema },
  { name: ChatUserRecord.name, schema: ChatUserSchema },
];

/**
 * Builds the indexes before the service takes traffic. Mongoose's `autoIndex` would build them in
 * the background, and a unique index that is not there yet lets duplicates in.
 */
class IndexBuilder implements OnModuleInit {
  constructor(private readonly models: Model<unknown>[]) {}

  async onModuleInit(): Promise<void> {
    await Promise.all(this.models.map((model) => model.createIndexes()));
  }
}

const featureModels = MongooseModule.forFeature(models);

/** The chat's MongoDB database and its models; every feature uses them. */
@Global()
@Module({
  imports: [
    MongooseModule.forRootAsync({
      inject: [CHAT_CONFIG],
      useFactory: (config: ChatConfig) => ({
        uri: config.MONGO_URL,
        autoIndex: false,
        // Fail fast rather than hang when MongoDB is gone; the caller is told to try again.
        serverSelectionTimeoutMS: 5_000,
        // A write is acknowledged (and so is the sender) once a majority of the replica set has
        // it: a failover cannot roll back a message the sender was told is stored. A majority
        // not reached in 5 s fails the write; the sender's retry with the same client id is safe.
        writeConcern: { w: 'majority', wtimeoutMS: 5_000 },
        retryAttempts: 3,
      }),
    }),
    featureModels,
  ],
  providers: [
    {
      provide: IndexBuilder,
      inject: models.map(({ name }) => getModelToken(name)),
      useFactory: (...all: Model<unknown>[]) => new IndexBuilder(all),
    },
  ],
  exports: [featureModels],
})
export class PersistenceModule {}

import 'reflect-metadata';
import { loadChatConfig, startChatService } from '@capstone/chat-feature';
import { JsonLogger } from '@capstone/logging';

try {
  await startChatService(loadChatConfig());
} catch (error) {
  new JsonLogger('chat').error(error instanceof Error ? error.message : String(error), 'Bootstrap');
  process.exit(1);
}

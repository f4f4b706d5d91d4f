import 'reflect-metadata';
import { loadChatConfig, startChatService } from '@capstone/chat-feature';
import { runService } from '@capstone/service-defaults';

await runService('chat', () => startChatService(loadChatConfig()));

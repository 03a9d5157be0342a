import { Module } from '@nestjs/common';
import { InterconnectModule } from '@app/interconnect';
import { MessageLogModule } from '@app/message-log';
import { ChatRooms } from './chat-rooms.service.js';
import { ChatMessages } from './chat-messages.service.js';
import { ChatEventsHandler } from './chat-events.handler.js';
import { ChatDeliveries } from './chat-deliveries.service.js';

const SERVICES = [ChatRooms, ChatMessages, ChatEventsHandler, ChatDeliveries];

@Module({
  imports: [InterconnectModule, MessageLogModule],
  providers: SERVICES,
  exports: SERVICES,
})
export class ChatModule {}

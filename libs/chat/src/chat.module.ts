import { Module } from '@nestjs/common';
import { ChatMetrics } from './chat-metrics.js';
import { HubOutboundModule, InterconnectModule } from '@app/interconnect';
import { MessageLogModule } from '@app/message-log';
import { ChatRooms } from './chat-rooms.service.js';
import { ChatMessages } from './chat-messages.service.js';
import { ChatEventsHandler } from './chat-events.handler.js';
import { ChatDeliveries } from './chat-deliveries.service.js';
import { ChatDestinations } from './chat-destinations.service.js';
import { AuditModule } from '@app/audit';

const SERVICES = [ChatRooms, ChatMessages, ChatEventsHandler, ChatDeliveries, ChatDestinations, ChatMetrics];

@Module({
  imports: [AuditModule, InterconnectModule, MessageLogModule, HubOutboundModule],
  providers: SERVICES,
  // the pusher runs in the worker only, which provides it with what the module imports
  exports: [...SERVICES, InterconnectModule, HubOutboundModule],
})
export class ChatModule {}

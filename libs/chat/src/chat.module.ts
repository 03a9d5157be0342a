import { Module } from '@nestjs/common';
import { InterconnectModule } from '@app/interconnect';
import { ChatRooms } from './chat-rooms.service.js';

@Module({
  imports: [InterconnectModule],
  providers: [ChatRooms],
  exports: [ChatRooms],
})
export class ChatModule {}

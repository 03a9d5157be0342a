import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, MemberAuthGuard, type MemberPrincipal } from '@app/auth';
import { ChatMessages, ChatRooms, type MembershipAction } from '@app/chat';
import { ApiMemberAuth, ApiProblems } from '../common/openapi.decorators.js';
import {
  CreateRoomDto,
  EventsQueryDto,
  ModeratedUserDto,
  PostMessageDto,
  RemoveUserDto,
  RoomsQueryDto,
  SetRoleDto,
  SetSubjectDto,
  UserDto,
} from './chat.dto.js';
import { PostedMessageResponse, RoomEventListResponse, RoomListResponse, RoomResponse } from './chat.schemas.js';
import { toPostedMessageResponse, toRoomEventResponse, toRoomResponse } from './chat.responses.js';

const NO_ROOM: [number, string] = [404, 'no such room, or none your network has a user invited to or joined'];

const ALICE = 'xmpp:alice@a.example.com';
const BOB = 'sip:bob@b.example.org';

/** The body of a step taken in a room, with its example. */
const ApiStepBody = (type: new () => object, summary: string, value: Record<string, unknown>) =>
  ApiBody({ type, examples: { step: { summary, value } } });

/** The problems of every step taken in a room. */
const ApiRoomStepProblems = () =>
  ApiProblems(
    400,
    [403, 'the acting user lacks the role, the user is banned or not invited, or the network may not be in the room'],
    NO_ROOM,
    [409, 'the user is not in the state this step needs'],
  );

/**
 * Hub-hosted rooms, for member networks acting for their own users (active members with their API
 * key). A network sees only the rooms its users are invited to or joined.
 */
@ApiTags('chat')
@ApiMemberAuth()
@UseGuards(MemberAuthGuard)
@Controller('v1/chat/rooms')
export class MemberChatController {
  constructor(
    private readonly rooms: ChatRooms,
    private readonly messages: ChatMessages,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a room owned by one of your users (your provisioning must delegate n-way-chat to the hub)' })
  @ApiBody({
    type: CreateRoomDto,
    examples: { room: { summary: 'a shared-history room', value: { owner: 'xmpp:alice@a.example.com', subject: 'Planning' } } },
  })
  @ApiCreatedResponse({ type: RoomResponse })
  @ApiProblems(400, [403, 'your provisioning does not delegate n-way-chat to the hub'])
  async create(@Body() body: CreateRoomDto, @CurrentPrincipal() me: MemberPrincipal) {
    return toRoomResponse(await this.rooms.create(me.domain, body));
  }

  @Get()
  @ApiOperation({ summary: 'The rooms your users are invited to or joined' })
  @ApiOkResponse({ type: RoomListResponse })
  @ApiProblems(400)
  async list(@Query() query: RoomsQueryDto, @CurrentPrincipal() me: MemberPrincipal) {
    return { items: (await this.rooms.list(me.domain, query.user)).map(toRoomResponse) };
  }

  @Get(':roomId')
  @ApiOperation({ summary: 'One room with its participants' })
  @ApiOkResponse({ type: RoomResponse })
  @ApiProblems(NO_ROOM)
  async get(@Param('roomId') roomId: string, @CurrentPrincipal() me: MemberPrincipal) {
    return toRoomResponse(await this.rooms.get(me.domain, roomId));
  }

  @Post(':roomId/invitations')
  @HttpCode(200)
  @ApiOperation({ summary: 'Invite a user of any member network your users may chat with' })
  @ApiOkResponse({ type: RoomResponse })
  @ApiRoomStepProblems()
  @ApiStepBody(ModeratedUserDto, 'alice invites bob', { by: ALICE, user: BOB })
  invite(@Param('roomId') roomId: string, @Body() body: ModeratedUserDto, @CurrentPrincipal() me: MemberPrincipal) {
    return this.step(me, roomId, { kind: 'invite', by: body.by, user: body.user });
  }

  @Post(':roomId/join')
  @HttpCode(200)
  @ApiOperation({ summary: 'An invited user of yours joins' })
  @ApiOkResponse({ type: RoomResponse })
  @ApiRoomStepProblems()
  @ApiStepBody(UserDto, 'bob joins', { user: BOB })
  join(@Param('roomId') roomId: string, @Body() body: UserDto, @CurrentPrincipal() me: MemberPrincipal) {
    return this.step(me, roomId, { kind: 'join', user: body.user });
  }

  @Post(':roomId/leave')
  @HttpCode(200)
  @ApiOperation({ summary: 'A user of yours leaves (or declines an invitation)' })
  @ApiOkResponse({ type: RoomResponse })
  @ApiRoomStepProblems()
  @ApiStepBody(UserDto, 'bob leaves', { user: BOB })
  leave(@Param('roomId') roomId: string, @Body() body: UserDto, @CurrentPrincipal() me: MemberPrincipal) {
    return this.step(me, roomId, { kind: 'leave', user: body.user });
  }

  @Post(':roomId/kick')
  @HttpCode(200)
  @ApiOperation({ summary: 'An owner or moderator of yours removes a lower-ranked participant' })
  @ApiOkResponse({ type: RoomResponse })
  @ApiRoomStepProblems()
  @ApiStepBody(RemoveUserDto, 'alice kicks bob', { by: ALICE, user: BOB, reason: 'off topic' })
  kick(@Param('roomId') roomId: string, @Body() body: RemoveUserDto, @CurrentPrincipal() me: MemberPrincipal) {
    return this.step(me, roomId, { kind: 'kick', by: body.by, user: body.user, reason: body.reason ?? null });
  }

  @Post(':roomId/ban')
  @HttpCode(200)
  @ApiOperation({ summary: 'An owner or moderator of yours bans a lower-ranked participant: no invitation until unbanned' })
  @ApiOkResponse({ type: RoomResponse })
  @ApiRoomStepProblems()
  @ApiStepBody(RemoveUserDto, 'alice bans bob', { by: ALICE, user: BOB, reason: 'spam' })
  ban(@Param('roomId') roomId: string, @Body() body: RemoveUserDto, @CurrentPrincipal() me: MemberPrincipal) {
    return this.step(me, roomId, { kind: 'ban', by: body.by, user: body.user, reason: body.reason ?? null });
  }

  @Post(':roomId/unban')
  @HttpCode(200)
  @ApiOperation({ summary: 'An owner or moderator of yours lifts a ban' })
  @ApiOkResponse({ type: RoomResponse })
  @ApiRoomStepProblems()
  @ApiStepBody(ModeratedUserDto, "alice lifts bob's ban", { by: ALICE, user: BOB })
  unban(@Param('roomId') roomId: string, @Body() body: ModeratedUserDto, @CurrentPrincipal() me: MemberPrincipal) {
    return this.step(me, roomId, { kind: 'unban', by: body.by, user: body.user });
  }

  @Put(':roomId/role')
  @ApiOperation({ summary: "An owner or moderator of yours changes a participant's role" })
  @ApiOkResponse({ type: RoomResponse })
  @ApiRoomStepProblems()
  @ApiStepBody(SetRoleDto, 'alice makes bob a moderator', { by: ALICE, user: BOB, role: 'moderator' })
  setRole(@Param('roomId') roomId: string, @Body() body: SetRoleDto, @CurrentPrincipal() me: MemberPrincipal) {
    return this.step(me, roomId, { kind: 'set-role', by: body.by, user: body.user, role: body.role });
  }

  @Put(':roomId/subject')
  @ApiOperation({ summary: 'An owner or moderator of yours sets the subject (null clears it)' })
  @ApiOkResponse({ type: RoomResponse })
  @ApiRoomStepProblems()
  @ApiStepBody(SetSubjectDto, 'alice sets the subject', { by: ALICE, subject: 'Planning' })
  setSubject(@Param('roomId') roomId: string, @Body() body: SetSubjectDto, @CurrentPrincipal() me: MemberPrincipal) {
    return this.step(me, roomId, { kind: 'set-subject', by: body.by, subject: body.subject });
  }

  @Post(':roomId/messages')
  @ApiOperation({ summary: 'A joined user of yours posts a message; committed and numbered before the answer' })
  @ApiBody({
    type: PostMessageDto,
    examples: {
      text: { summary: 'plain text', value: { from: 'xmpp:alice@a.example.com', clientId: 'a1b2c3-0001', body: 'Hello all' } },
    },
  })
  @ApiCreatedResponse({ type: PostedMessageResponse, description: 'posted, or the same answer again for a repeated client id' })
  @ApiProblems(400, [403, 'the sender has not joined the room'], NO_ROOM, [409, 'the client id was used for another message'])
  async post(@Param('roomId') roomId: string, @Body() body: PostMessageDto, @CurrentPrincipal() me: MemberPrincipal) {
    const posted = await this.messages.post(me.domain, roomId, { ...body, mediaType: body.mediaType ?? 'text/plain' });
    return toPostedMessageResponse(posted);
  }

  @Get(':roomId/events')
  @ApiOperation({ summary: "The room's events a joined user of yours may read, by number, as its history visibility allows" })
  @ApiOkResponse({ type: RoomEventListResponse })
  @ApiProblems(400, [403, 'the reader has not joined the room'], NO_ROOM)
  async events(@Param('roomId') roomId: string, @Query() query: EventsQueryDto, @CurrentPrincipal() me: MemberPrincipal) {
    const page = await this.messages.history(me.domain, roomId, query);
    return { items: page.events.map(toRoomEventResponse), next: Number(page.next) };
  }

  private async step(me: MemberPrincipal, roomId: string, action: MembershipAction) {
    return toRoomResponse(await this.rooms.act(me.domain, roomId, action));
  }
}

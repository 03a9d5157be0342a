export * from './room-admission.js';
export * from './room-permissions.js';
export * from './chat-rooms.service.js';
export * from './chat.module.js';
export * from './chat-messages.service.js';
export * from './chat-events.handler.js';
export * from './chat-rooms-sweeper.js';

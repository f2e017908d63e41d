/**
 * The Telegram Bot API for Botkeel: a hardened webhook in, a flood-controlled, retrying,
 * splitting client out, long polling for development, and human handoff in a managers' chat.
 *
 * @packageDocumentation
 * @module @botkeel/adapter-telegram
 */
export * from './inbound/index.js';
export * from './outbound/index.js';
export * from './polling/index.js';
export * from './handoff/index.js';

export { type BotContext, runWithContext, currentContext, bindContext, newTraceId } from './context.js';

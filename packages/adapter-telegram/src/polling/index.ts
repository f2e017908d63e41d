export { createLongPolling, type LongPolling, type LongPollingOptions } from './long-polling.js';

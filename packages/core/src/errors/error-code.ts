/**
 * Every stable error code Botkeel throws. Branch on `error.code`, never on the message.
 *
 * @example
 * ```ts
 * if (BotkeelError.isInstance(error) && error.code === 'VERSION_CONFLICT') retryTurn();
 * ```
 */
export type ErrorCode =
  /** A store (Redis, Postgres, …) did not answer or refused the command. Retryable. */
  | 'STORE_UNAVAILABLE'
  /** A compare-and-swap save lost the race: somebody else saved that version first. */
  | 'VERSION_CONFLICT'
  /** A persisted snapshot carries a machine version with no migration path to the current one. */
  | 'UNKNOWN_MACHINE_VERSION'
  /** A conversation machine failed during a turn (an action threw, an invoked actor rejected unhandled); nothing was saved. */
  | 'MACHINE_ERROR'
  /** The circuit breaker is open; the call was not attempted. */
  | 'CIRCUIT_OPEN'
  /** The operation ran out of time. */
  | 'TIMEOUT'
  /** The caller aborted the operation through its AbortSignal. */
  | 'ABORTED'
  /** Every LLM provider failed and no fallback reply was configured. */
  | 'LLM_EXHAUSTED'
  /** An LLM provider answered with something unusable (malformed, failed the schema). */
  | 'LLM_OUTPUT_INVALID'
  /** An LLM or HTTP provider reported a fault (429, 5xx, connection reset, …). */
  | 'PROVIDER_ERROR'
  /** An incoming update is malformed or fails the schema. */
  | 'INVALID_UPDATE'
  /** Options passed to a factory are invalid; the message names the field. */
  | 'INVALID_OPTIONS'
  /** A secret or token did not match. */
  | 'UNAUTHORIZED'
  /** A request came from an address outside the allowed ranges. */
  | 'FORBIDDEN_SOURCE'
  /** A URL or address was refused by the SSRF guard. */
  | 'SSRF_BLOCKED'
  /** A body or download exceeded its size cap. */
  | 'PAYLOAD_TOO_LARGE'
  /** A download had a content type outside the allow-list. */
  | 'UNSUPPORTED_CONTENT_TYPE'
  /** A bulkhead's queue is full. */
  | 'BULKHEAD_FULL'
  /** A per-key queue (e.g. the turns waiting for one chat) holds as many tasks as it may. */
  | 'QUEUE_FULL'
  /** A rate limit denied the request. */
  | 'RATE_LIMITED'
  /** A sanitizer verdict blocked the input. */
  | 'INPUT_BLOCKED'
  /** A lock lease was lost (expired or taken over) while the owner still worked. */
  | 'LOCK_LOST'
  /** The component is shutting down and accepts no new work. */
  | 'DRAINING'
  /** A schema migration failed; nothing of it was applied. */
  | 'MIGRATION_FAILED'
  /** The Telegram Bot API answered with an error. */
  | 'TELEGRAM_API_ERROR'
  /** The user blocked the bot or the chat is gone; do not retry. */
  | 'CHAT_UNREACHABLE'
  /** A platform asked us to wait longer than the configured cap. */
  | 'RETRY_AFTER_TOO_LONG'
  /** An invariant of Botkeel itself broke. Please report it. */
  | 'INTERNAL';

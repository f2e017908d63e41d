/**
 * Every metric Botkeel emits through `@opentelemetry/api`, so dashboards and alerts use the same
 * names as the code. Counters unless the comment says otherwise.
 *
 * @example
 * ```ts
 * // PromQL: rate(botkeel_ratelimit_fallbacks_total[5m]) > 0
 * console.log(MetricNames.rateLimitFallbacks); // 'botkeel.ratelimit.fallbacks'
 * ```
 */
export const MetricNames = {
  /** Updates seen by the bot, by `status` (the Ack). */
  updates: 'botkeel.updates',
  /** Dedupe claims, by `result` (`claimed`, `duplicate`, `in-progress`). */
  dedupeClaims: 'botkeel.dedupe.claims',
  /** Updates dropped as duplicates. */
  dedupeDuplicates: 'botkeel.dedupe.duplicates',
  /** Rate-limit decisions, by `source` and `allowed`. */
  rateLimitDecisions: 'botkeel.ratelimit.decisions',
  /** Decisions handed from a failing store to the next one in the chain (or to the policy). */
  rateLimitFallbacks: 'botkeel.ratelimit.fallbacks',
  /** Debounced batches flushed. */
  debounceFlushes: 'botkeel.debounce.flushes',
  /** Histogram (ms): how late a flush started after its batch fell due. */
  debounceFlushLag: 'botkeel.debounce.flush_lag',
  /** Sanitizer verdicts, by `verdict`. */
  sanitizerVerdicts: 'botkeel.sanitizer.verdicts',
  /** URLs or addresses refused by the SSRF guard. */
  ssrfBlocked: 'botkeel.ssrf.blocked',
  /** Conversation turns, by `outcome`. */
  turns: 'botkeel.turns',
  /** Histogram (ms): duration of a conversation turn. */
  turnDuration: 'botkeel.turn.duration',
  /** Checkpoint saves that lost the compare-and-swap. */
  checkpointConflicts: 'botkeel.checkpoint.conflicts',
  /** LLM attempts, by `provider`, `model` and `outcome`. */
  llmAttempts: 'botkeel.llm.attempts',
  /** LLM retries after a retryable failure. */
  llmRetries: 'botkeel.llm.retries',
  /** Calls answered with the canned fallback reply. */
  llmFallbacks: 'botkeel.llm.fallbacks',
  /** Hedged (second, parallel) LLM attempts started. */
  llmHedges: 'botkeel.llm.hedges',
  /** LLM tokens used, by `provider`, `model` and `kind` (`prompt`, `completion`). */
  llmTokens: 'botkeel.llm.tokens',
  /** Histogram (ms): latency of an LLM attempt. */
  llmLatency: 'botkeel.llm.latency',
  /** Gauge: circuit state by `breaker` (0 closed, 1 half-open, 2 open). */
  circuitState: 'botkeel.circuit.state',
  /** Circuit transitions, by `breaker`, `from` and `to`. */
  circuitTransitions: 'botkeel.circuit.transitions',
  /** Conversations escalated to a human, by `reason`. */
  handoffEscalations: 'botkeel.handoff.escalations',
  /** Outbound channel sends, by `method` and `outcome`. */
  channelSends: 'botkeel.channel.sends',
  /** Outbound sends retried (429, 5xx, network). */
  channelRetries: 'botkeel.channel.retries',
  /** Sends re-sent as plain text after a formatting error. */
  channelParseFallbacks: 'botkeel.channel.parse_fallbacks',
  /** Histogram (ms): time sends waited for the flood budget or a 429 cooldown. */
  channelFloodWait: 'botkeel.channel.flood_wait',
  /** Resources that did not close before the shutdown deadline. */
  shutdownUnclosed: 'botkeel.shutdown.unclosed',
} as const;

/** A metric name from {@link MetricNames}. */
export type MetricName = (typeof MetricNames)[keyof typeof MetricNames];

/**
 * Every span Botkeel starts. One trace per update: `botkeel.update` is the root of the ingress
 * steps; `botkeel.turn` is the root of a debounced batch's processing.
 *
 * @example
 * ```ts
 * console.log(SpanNames.llmAttempt); // 'botkeel.llm.attempt'
 * ```
 */
export const SpanNames = {
  update: 'botkeel.update',
  dedupeClaim: 'botkeel.dedupe.claim',
  rateLimitConsume: 'botkeel.ratelimit.consume',
  debouncePush: 'botkeel.debounce.push',
  debounceFlush: 'botkeel.debounce.flush',
  sanitize: 'botkeel.sanitize',
  turn: 'botkeel.turn',
  checkpointLoad: 'botkeel.checkpoint.load',
  checkpointSave: 'botkeel.checkpoint.save',
  llmComplete: 'botkeel.llm.complete',
  llmAttempt: 'botkeel.llm.attempt',
  channelSend: 'botkeel.channel.send',
  handoff: 'botkeel.handoff',
  shutdown: 'botkeel.shutdown',
} as const;

/** A span name from {@link SpanNames}. */
export type SpanName = (typeof SpanNames)[keyof typeof SpanNames];

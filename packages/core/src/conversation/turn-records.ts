import { type ConversationEscalation, type ConversationReply } from './conversation-types.js';

/** What a checkpoint remembers of one of the turns that led to it: its id and its outputs. */
export interface TurnRecord {
  readonly id: string;
  readonly replies: readonly ConversationReply[];
  readonly escalation: ConversationEscalation | undefined;
}

/** The field of a saved snapshot that holds the records (next to xstate's own fields). */
const field = 'botkeelTurns';
/** How many recent turns a checkpoint remembers. */
const recordLimit = 8;

type Stored = Record<string, unknown>;

const isRecord = (value: unknown): value is TurnRecord =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { id?: unknown }).id === 'string' &&
  Array.isArray((value as { replies?: unknown }).replies);

const recordsIn = (snapshot: unknown): TurnRecord[] => {
  if (typeof snapshot !== 'object' || snapshot === null) return [];
  const records = (snapshot as Stored)[field];
  return Array.isArray(records) ? records.filter(isRecord) : [];
};

/** The record of turn `turnId` in a saved snapshot, if that turn was saved (recently). */
export function findTurnRecord(snapshot: unknown, turnId: string): TurnRecord | undefined {
  return recordsIn(snapshot).find((record) => record.id === turnId);
}

/** The saved snapshot without the turn records: what xstate and the migrations get. */
export function withoutTurnRecords(snapshot: unknown): unknown {
  if (typeof snapshot !== 'object' || snapshot === null || !(field in snapshot)) return snapshot;
  const { [field]: _records, ...rest } = snapshot as Stored;
  return rest;
}

/**
 * The snapshot to save: the machine's `persisted` snapshot plus the records of the last turns kept
 * from the `previous` snapshot and this turn's `record` (when the turn has an id). Saved in the same
 * compare-and-swap as the state, so a turn and the memory of having run it are stored together or
 * not at all. `persisted` is handed over: a fresh `getPersistedSnapshot()` result gets the records
 * added in place (no copy of the snapshot per save).
 */
export function withTurnRecord(
  persisted: unknown,
  previous: unknown,
  record: TurnRecord | undefined,
): unknown {
  const records: Stored[] = [];
  for (const kept of recordsIn(previous)) if (kept.id !== record?.id) records.push(storedRecord(kept));
  if (record !== undefined) records.push(storedRecord(record));
  const snapshot = withoutTurnRecords(persisted);
  if (records.length === 0) return snapshot;
  const kept = records.length > recordLimit ? records.slice(-recordLimit) : records;
  if (typeof snapshot !== 'object' || snapshot === null) return { [field]: kept };
  (snapshot as Stored)[field] = kept;
  return snapshot;
}

/** A record as it is saved: without an `escalation` field when the turn did not escalate. */
function storedRecord(record: TurnRecord): Stored {
  return record.escalation === undefined
    ? { id: record.id, replies: record.replies }
    : { id: record.id, replies: record.replies, escalation: record.escalation };
}

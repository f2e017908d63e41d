import { type Language, type Size } from '../catalogue/catalogue.js';
import { type OrderDetails } from './order-details.js';

/** One line of the conversation, kept for the model's context and the manager's summary. */
export interface TranscriptLine {
  readonly from: 'user' | 'bot';
  readonly text: string;
}

/** What the funnel remembers between turns (persisted in the checkpoint; plain JSON). */
export interface SalesContext {
  chatId: string;
  language: Language;
  startedAtMs: number;
  sku: string | undefined;
  size: Size | undefined;
  colour: string | undefined;
  photoFileId: string | undefined;
  order: OrderDetails | undefined;
  orderId: string | undefined;
  transcript: TranscriptLine[];
}

/** What a customer's batch of messages becomes. */
export interface UserMessageEvent {
  type: 'USER_MESSAGE';
  /** The batch text, sanitized. */
  text: string;
  /** The language the text shows; absent when it does not tell (the conversation keeps its own). */
  language?: Language;
  /** A photo the customer sent, by the platform's file id. */
  photoFileId?: string;
  nowMs: number;
}

/** What the model is asked to write; the funnel decides everything else itself. */
export interface AnswerRequest {
  readonly kind: 'discovery' | 'product-question' | 'objection';
  readonly language: Language;
  readonly text: string;
  readonly sku: string | undefined;
  readonly transcript: readonly TranscriptLine[];
}

/** An order as it is written, once. */
export interface PlacedOrder {
  /** Stable for one conversation's order: writing it twice is a no-op. */
  readonly orderKey: string;
  readonly chatId: string;
  readonly sku: string;
  readonly size: Size;
  readonly colour: string;
  readonly priceUah: number;
  readonly details: OrderDetails;
}

/** What the funnel calls out to. */
export interface SalesServices {
  /** A reply written by the model (or the canned fallback). */
  answer(request: AnswerRequest, signal: AbortSignal): Promise<string>;
  /** Product words for a customer's photo (e.g. "black hoodie"), or undefined when unsure. */
  recognizePhoto(fileId: string, language: Language, signal: AbortSignal): Promise<string | undefined>;
  /** Writes the order once; returns its id. */
  placeOrder(order: PlacedOrder, signal: AbortSignal): Promise<string>;
}

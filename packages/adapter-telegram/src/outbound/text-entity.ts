/**
 * A Telegram message entity: formatting applied to `length` UTF-16 code units from `offset`.
 *
 * @example
 * ```ts
 * const bold: TextEntity = { type: 'bold', offset: 0, length: 5 };
 * ```
 */
export interface TextEntity {
  readonly type:
    | 'bold'
    | 'italic'
    | 'underline'
    | 'strikethrough'
    | 'spoiler'
    | 'code'
    | 'pre'
    | 'text_link'
    | 'blockquote';
  readonly offset: number;
  readonly length: number;
  /** For `text_link`. */
  readonly url?: string;
  /** For `pre`: the code block's language. */
  readonly language?: string;
}

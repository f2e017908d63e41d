import { type AnchorAutomaton } from './anchor-automaton.js';
import { doubled } from './doubled.js';

/** Most anchor-ending steps one pass records (hostile text can end an anchor at every unit). */
const maxRecordedEnds = 4096;

/**
 * The steps of an anchor automaton that ended anchors, recorded by a pass that reads the text anyway
 * (the views pass steps the symbols view's automaton as it writes that view), so the scanner need not
 * read the text again (`AnchorScanner.adopt`).
 */
export class AnchorEnds {
  readonly automaton: AnchorAutomaton;
  /** The text the recorded steps read, set when the pass is done (undefined until then). */
  text: string | undefined = undefined;
  /** The row each recorded step entered, and its index in the text. */
  rows = new Int32Array(64);
  indexes = new Int32Array(64);
  count = 0;
  /**
   * Every anchor starting at or before this index is recorded; undefined when all are (the pass
   * stopped recording after `maxRecordedEnds` steps).
   */
  completeTo: number | undefined = undefined;

  constructor(automaton: AnchorAutomaton) {
    this.automaton = automaton;
  }

  /** Starts recording a new pass. */
  begin(): void {
    this.text = undefined;
    this.count = 0;
    this.completeTo = undefined;
  }

  /** Records a step at `index` that entered `row` and ended anchors. */
  record(row: number, index: number): void {
    if (this.completeTo !== undefined) return;
    if (this.count === maxRecordedEnds) {
      // Every step before `index` that ended an anchor is recorded: the anchors starting
      // `maxLength` or more units before it have ended.
      this.completeTo = index - this.automaton.maxLength;
      return;
    }
    if (this.count === this.rows.length) {
      this.rows = doubled(this.rows);
      this.indexes = doubled(this.indexes);
    }
    this.rows[this.count] = row;
    this.indexes[this.count] = index;
    this.count += 1;
  }
}

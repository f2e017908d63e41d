/**
 * @packageDocumentation
 * @module @botkeel/adapter-telegram
 */
export const packageName = '@botkeel/adapter-telegram';

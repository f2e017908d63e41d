/**
 * @packageDocumentation
 * @module @botkeel/adapter-telegram/testing
 */
export const testingKit = '@botkeel/adapter-telegram/testing';

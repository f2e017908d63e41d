/**
 * @packageDocumentation
 * @module @botkeel/store-postgres
 */
export const packageName = '@botkeel/store-postgres';

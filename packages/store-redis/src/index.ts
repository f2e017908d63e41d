/**
 * @packageDocumentation
 * @module @botkeel/store-redis
 */
export const packageName = '@botkeel/store-redis';

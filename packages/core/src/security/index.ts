export { verifySecret } from './verify-secret.js';
export { isPublicAddress } from './is-public-address.js';
export {
  resolveSafeTarget,
  type LookupFunction,
  type ResolvedAddress,
  type SafeTarget,
  type SafeTargetOptions,
} from './resolve-safe-target.js';
export {
  createSafeFetch,
  type SafeFetch,
  type SafeFetchOptions,
  type SafeFetchResult,
} from './safe-fetch.js';

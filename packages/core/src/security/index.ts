export { verifySecret } from './verify-secret.js';

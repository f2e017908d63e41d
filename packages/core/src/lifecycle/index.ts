export {
  createLifecycle,
  type Lifecycle,
  type LifecycleOptions,
  type CloseFn,
  type RegisterOptions,
  type ShutdownReport,
} from './lifecycle.js';

import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Registers an OpenTelemetry tracer provider that hands every span to `processor` (the playground's
 * trace collector), with async-context propagation so nested steps get their parents. Returns the
 * function that unregisters it.
 */
export function installTracing(processor: SpanProcessor): () => void {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  trace.setGlobalTracerProvider(provider);
  return () => {
    trace.disable();
    context.disable();
    void provider.shutdown();
  };
}

import { z } from 'zod';

const isFunction = (value: unknown): boolean => typeof value === 'function';

/** The zod schema of `createConversation` options (the machine and store are checked separately). */
export const conversationOptionsSchema = z
  .object({
    machine: z.custom<object>(
      (value) => typeof value === 'object' && value !== null && 'root' in value && 'idMap' in value,
      'expected an xstate v5 machine',
    ),
    checkpoints: z.custom<object>(
      (value) => typeof value === 'object' && value !== null && 'load' in value && 'save' in value,
      'expected a CheckpointStore',
    ),
    machineVersion: z.number().int().min(1).optional(),
    migrations: z
      .record(
        z.string().regex(/^[1-9]\d*$/, 'keys must be machine versions'),
        z.custom(isFunction, 'expected a function'),
      )
      .optional(),
    historyLimit: z.number().int().min(1).max(10_000).optional(),
    clock: z.custom<object>((value) => typeof value === 'object' && value !== null).optional(),
    settleTimeoutMs: z.number().int().positive().optional(),
    input: z.custom(isFunction, 'expected a function').optional(),
  })
  .strict()
  .superRefine((options, context) => {
    const machineVersion = options.machineVersion ?? 1;
    for (const key of Object.keys(options.migrations ?? {})) {
      const version = Number(key);
      if (version < 2 || version > machineVersion) {
        context.addIssue({
          code: 'custom',
          path: ['migrations', key],
          message: `a migration produces a version from 2 to machineVersion (${machineVersion})`,
        });
      }
    }
  });

import { MemoryCheckpointStore } from '@botkeel/core';
import { checkpointStoreConformance } from '@botkeel/core/testing';

checkpointStoreConformance(({ historyLimit }) => new MemoryCheckpointStore({ historyLimit }), {
  name: 'MemoryCheckpointStore',
});

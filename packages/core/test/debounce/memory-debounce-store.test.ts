import { MemoryDebounceStore } from '@botkeel/core';
import { debounceStoreConformance } from '@botkeel/core/testing';

debounceStoreConformance(() => new MemoryDebounceStore(), { name: 'memory' });

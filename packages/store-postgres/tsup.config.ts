import { packageBuild } from '../../tsup.config.base.js';

// `shims` gives the CommonJS build an `import.meta.url`, used to find the shipped `migrations/` folder.
export default packageBuild({ index: 'src/index.ts' }, { shims: true });

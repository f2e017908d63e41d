import { packageBuild } from '../../tsup.config.base.js';

export default packageBuild({ main: 'src/main.ts' }, { format: ['esm'], dts: false });

export { delimiterSmugglingPatterns } from './delimiter-smuggling.js';
export { generalProximityPatterns } from './general-proximity.js';
export { hiddenInstructionPatterns } from './hidden-instruction.js';
export { instructionOverridePatterns } from './instruction-override.js';
export { personaJailbreakPatterns } from './persona-jailbreak.js';
export { promptExfiltrationPatterns } from './prompt-exfiltration.js';
export { toolAbusePatterns } from './tool-abuse.js';

/** Caribou for TypeScript's version (kept equal to package.json's by a unit test). */
export const CARIBOU_VERSION = '0.1.0';

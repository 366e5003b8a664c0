// Stands in for glob in the deployed bundles (custom.esbuild.alias): node-pg-migrate uses it only with `useGlob`, which
// the migrate function does not set (~80 KiB saved).
export function glob(): never {
  throw new Error('glob is left out of the Lambda package: node-pg-migrate runs without useGlob.');
}

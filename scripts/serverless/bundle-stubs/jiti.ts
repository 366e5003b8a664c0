// Stands in for jiti in the deployed bundles (custom.esbuild.alias). node-pg-migrate imports jiti (~185 KiB) to load
// JavaScript/TypeScript migrations; ours are .sql files, read by its SQL loaders, so the migrate function never needs it.
const unsupported = () => {
  throw new Error(
    'Only .sql migrations are bundled: jiti (JavaScript/TypeScript migrations) is left out of the Lambda package.',
  );
};

export function createJiti() {
  return { import: unsupported };
}

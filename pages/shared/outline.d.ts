// The UK and Ireland outline scripts/pages/build.ts generates from Natural Earth at build time.
declare module 'service-area-outline' {
  import type { FeatureCollection } from 'geojson';
  const outline: FeatureCollection;
  export default outline;
}

// The one map both pages draw: Leaflet over the shipped UK and Ireland outline, with a tile layer only when a stage sets one.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import outline from 'service-area-outline';

export function makeMap(element: HTMLElement, options: { interactive?: boolean } = {}): L.Map {
  const map = L.map(element, { zoomControl: options.interactive ?? true, attributionControl: true, zoomSnap: 0.25 });
  const tileUrl = document.querySelector<HTMLMetaElement>('meta[name="map-tile-url"]')?.content;
  if (tileUrl && tileUrl.startsWith('https://')) {
    L.tileLayer(tileUrl, { maxZoom: 18, attribution: 'Map tiles' }).addTo(map);
  }
  L.geoJSON(outline, {
    style: { color: '#1f3a5f', weight: 1, fillColor: '#e8eef5', fillOpacity: 1 },
    interactive: false,
  }).addTo(map);
  map.attributionControl.setPrefix('Leaflet').addAttribution('Natural Earth');
  map.fitBounds([
    [49.8, -10.6],
    [58.8, 1.9],
  ]);
  return map;
}

export { L };

// The bundled default map: Natural Earth's countries (world-atlas TopoJSON) as GeoJSON whose features name their
// country by ISO 3166 alpha-2 code in properties.region, the first part of a region path (CN-GD -> CN).
import { feature } from '/vendor/topojson-client/index.js';

let world = null;

export function worldOutlines() {
  world ??= (async () => {
    const [topo, codes] = await Promise.all([
      fetch('/vendor/world-atlas/countries-50m.json').then(r => r.json()),
      fetch('/vendor/iso-countries/codes.json').then(r => r.json()),
    ]);
    const alpha2 = Object.fromEntries(codes.map(c => [c[2], c[0]]));
    const geo = feature(topo, topo.objects.countries);
    geo.features = geo.features.map(f => ({ ...f, properties: { region: alpha2[f.id] ?? f.properties.name, name: f.properties.name } }));
    return geo;
  })();
  return world;
}

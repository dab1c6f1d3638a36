// Loaded on demand (its own chunk): the world outline from world-atlas (Natural Earth, 1:110m)
// and ECharts' map parts. Nothing is fetched from anywhere but the plotboard server.

import type { FeatureCollection, Geometry } from 'geojson';
import { MapChart } from 'echarts/charts';
import { GeoComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import world from 'world-atlas/countries-110m.json';

export const MAP_NAME = 'plotboard-world';

echarts.use([MapChart, GeoComponent, VisualMapComponent]);

const topology = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
const countries = feature(topology, topology.objects.countries) as FeatureCollection<Geometry, { name: string }>;

type Ring = number[][];

/** A ring that crosses the antimeridian (Russia, Fiji) drawn flat would cross the whole map:
 * bring its far-side points to the ±180° edge of the side most of the ring is on. */
function unwrap(ring: Ring): Ring {
  let jumps = false;
  for (let i = 1; i < ring.length; i++) if (Math.abs(ring[i]![0]! - ring[i - 1]![0]!) > 180) jumps = true;
  if (!jumps) return ring;
  const east = ring.filter((p) => p[0]! > 0).length >= ring.length / 2;
  return ring.map(([lon, lat]) => [east ? (lon! < 0 ? 180 : lon!) : lon! > 0 ? -180 : lon!, lat!]);
}

function unwrapGeometry(g: Geometry): Geometry {
  if (g.type === 'Polygon') return { ...g, coordinates: g.coordinates.map(unwrap) };
  if (g.type === 'MultiPolygon') return { ...g, coordinates: g.coordinates.map((p) => p.map(unwrap)) };
  return g;
}

// Features are named by ISO 3166-1 numeric code, which the gazetteer returns for countries;
// Antarctica takes room and holds no data, so it is left out.
const named = {
  type: 'FeatureCollection' as const,
  features: countries.features
    .filter((f) => f.properties.name !== 'Antarctica')
    .map((f, i) => ({
      ...f,
      geometry: unwrapGeometry(f.geometry),
      properties: { name: String(f.id ?? `x${i}`), label: f.properties.name },
    })),
};

/** The countries the outline draws (ISO numeric codes); smaller ones show as dots. */
export const REGION_IDS: ReadonlySet<string> = new Set(named.features.map((f) => f.properties.name));

echarts.registerMap(MAP_NAME, named as unknown as Parameters<typeof echarts.registerMap>[1]);

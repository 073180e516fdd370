// The interactive map: Leaflet over the Natural Earth countries, with the cities of /map.json in
// clusters that open on click. The drawn map works without it; this loads only when asked for,
// and draws tiles only when the operator configured a tile server.
(function () {
  "use strict";
  var box = document.getElementById("interactive-map");
  var toggle = document.getElementById("map-toggle");
  var figure = document.getElementById("static-map");
  if (!box || !toggle || !figure || !window.fetch || !window.Promise) return;
  var d = box.dataset;
  // The same steps as the drawn map's s1…s5 classes.
  var shades = ["#e3e5e1", "#b8dfe5", "#94cbd3", "#55a8b5", "#1f7f8e", "#0b4f5c"];
  toggle.parentNode.hidden = false;
  var started = false;

  toggle.addEventListener("click", function () {
    var show = box.hidden;
    box.hidden = !show;
    figure.hidden = show;
    toggle.textContent = show ? toggle.dataset.hide : toggle.dataset.show;
    if (show && !started) {
      started = true;
      load().then(build).catch(function () {
        box.hidden = true;
        figure.hidden = false;
        toggle.parentNode.hidden = true;
      });
    }
  });

  function load() {
    d.styles.split(" ").forEach(function (href) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      document.head.appendChild(link);
    });
    // Leaflet first, then the cluster plug-in that extends it.
    return d.scripts.split(" ").reduce(function (ready, src) {
      return ready.then(function () {
        return new Promise(function (resolve, reject) {
          var s = document.createElement("script");
          s.src = src;
          s.onload = resolve;
          s.onerror = reject;
          document.head.appendChild(s);
        });
      });
    }, Promise.resolve());
  }

  function json(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }

  function shade(n, max) {
    if (!n) return shades[0];
    if (max <= 1) return shades[5];
    return shades[1 + Math.min(4, Math.floor(Math.log1p(n) / Math.log1p(max) * 5))];
  }

  // The page's language picks the plural form by its CLDR rule (French 0 and 1 are singular,
  // French, Italian and Spanish millions take "de"/"di").
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang) : null;
  function label(n) {
    var form = plurals ? plurals.select(n) : (n === 1 ? "one" : "other");
    var word = form === "one" ? d.labelOne : form === "many" ? d.labelMany : d.labelOther;
    return n.toLocaleString(document.documentElement.lang) + " " + word;
  }

  function link(key, value) {
    var u = "/signatories?" + key + "=" + encodeURIComponent(value);
    if (d.tier) u += "&tier=" + encodeURIComponent(d.tier);
    if (d.kind) u += "&kind=" + encodeURIComponent(d.kind);
    return u;
  }

  function build() {
    return Promise.all([json(d.geojson), json(d.json)]).then(function (r) {
      var shapes = r[0], counts = r[1];
      var byCode = {}, names = {}, max = 1, placeMax = 1;
      counts.countries.forEach(function (c) { byCode[c.code] = c.count; names[c.code] = c.label || c.name; max = Math.max(max, c.count); });
      counts.places.forEach(function (p) { placeMax = Math.max(placeMax, p.count); });
      var map = L.map(box, { minZoom: 1, maxZoom: d.tiles ? 18 : 9, worldCopyJump: true, zoomSnap: 0.5 });
      if (d.tiles) L.tileLayer(d.tiles, { maxZoom: 18 }).addTo(map);
      map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
      map.attributionControl.addAttribution("Natural Earth · GeoNames, CC BY 4.0");
      var focus = null;
      var base = L.geoJSON(shapes, {
        style: function (f) {
          var n = byCode[f.properties.code] || 0;
          return { fillColor: shade(n, max), fillOpacity: 1, color: "#ffffff", weight: 0.7 };
        },
        onEachFeature: function (f, layer) {
          var code = f.properties.code, n = byCode[code];
          if (code && code === d.countryFilter) focus = layer;
          if (!n) return;
          var tip = document.createElement("span");
          tip.textContent = (names[code] || code) + ": " + label(n);
          layer.bindTooltip(tip, { sticky: true });
          layer.on("click", function () { window.location.href = link("country", code); });
        }
      }).addTo(map);
      var cluster = L.markerClusterGroup({
        showCoverageOnHover: false,
        maxClusterRadius: 45,
        iconCreateFunction: function (c) {
          var n = 0;
          c.getAllChildMarkers().forEach(function (m) { n += m.options.count; });
          var size = n < 10 ? "small" : n < 100 ? "medium" : "large";
          return L.divIcon({ html: "<div><span>" + n.toLocaleString(document.documentElement.lang) + "</span></div>",
            className: "marker-cluster marker-cluster-" + size, iconSize: L.point(40, 40) });
        }
      });
      counts.places.forEach(function (p) {
        var s = Math.round(8 + 14 * Math.sqrt(p.count / placeMax));
        var text = (p.label || p.name) + ": " + label(p.count);
        var m = L.marker([p.lat, p.lon], { count: p.count, title: text, alt: text,
          icon: L.divIcon({ className: "city-marker", iconSize: [s, s] }) });
        var a = document.createElement("a");
        a.href = link("place", p.id);
        a.textContent = text;
        m.bindPopup(a);
        cluster.addLayer(m);
      });
      map.addLayer(cluster);
      if (focus) map.fitBounds(focus.getBounds(), { maxZoom: 6 });
      else map.setView([35, 12], 2);
      return base;
    });
  }
})();

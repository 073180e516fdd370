// City suggestions on the signing and editing forms: as someone types, the cities of the chosen
// country that start with it, spelled the way the map finds them. Without JavaScript the field is
// a plain text box and the registry still finds most cities by their local names.
(function () {
  "use strict";
  var city = document.getElementById("e-city");
  var country = document.getElementById("e-country");
  var list = document.getElementById("e-city-list");
  if (!city || !country || !list || !window.fetch) return;
  var timer = null;
  var last = "";
  function refresh() {
    var key = country.value + "|" + city.value;
    if (!country.value || key === last) return;
    last = key;
    var url = "/places?country=" + encodeURIComponent(country.value) + "&q=" + encodeURIComponent(city.value);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (cities) {
        if (key !== last) return; // a newer request is on its way
        while (list.firstChild) list.removeChild(list.firstChild);
        cities.forEach(function (c) {
          var o = document.createElement("option");
          o.value = c.name;
          list.appendChild(o);
        });
      })
      .catch(function () {});
  }
  function soon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 150);
  }
  city.addEventListener("input", soon);
  city.addEventListener("focus", soon);
  country.addEventListener("change", function () { last = ""; soon(); });
})();

// The page's only script, inlined by markup.py: remembers the title language, filters the table.
(function () {
  "use strict";
  var d = document, KEY = "commitments-lang";
  var radios = d.querySelectorAll("input[name=lang]");
  try {
    var saved = localStorage.getItem(KEY);
    radios.forEach(function (r) { if (r.value === saved) { r.checked = true; } });
  } catch (e) { /* storage unavailable: the switch still works for this page */ }
  radios.forEach(function (r) {
    r.addEventListener("change", function () { try { localStorage.setItem(KEY, r.value); } catch (e) {} });
  });
  var form = d.getElementById("filters");
  if (!form) { return; }
  var rows = Array.prototype.slice.call(d.querySelectorAll("#commitments tbody tr"));
  var fold = function (s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); };
  rows.forEach(function (r) { r.dataset.text = fold(r.textContent); });
  var shown = d.getElementById("shown"), names = ["sector", "kind", "status", "actor", "q"];
  function apply() {
    var v = {}, n = 0;
    names.forEach(function (k) { v[k] = form.elements[k].value; });
    var words = fold(v.q).split(/\s+/).filter(Boolean);
    rows.forEach(function (r) {
      var ok = (!v.sector || r.dataset.sector === v.sector) && (!v.kind || r.dataset.kind === v.kind) &&
        (!v.status || r.dataset.status === v.status) &&
        (!v.actor || (" " + r.dataset.actors + " ").indexOf(" " + v.actor + " ") >= 0) &&
        words.every(function (w) { return r.dataset.text.indexOf(w) >= 0; });
      r.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = n + " of " + rows.length + " commitments shown";
  }
  var params = new URLSearchParams(location.search);
  names.forEach(function (k) { if (params.get(k)) { form.elements[k].value = params.get(k); } });
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  form.hidden = false;
  apply();
}());

// The page's only script, inlined by markup.py: remembers the title language, fills the citation's
// address, and on the index filters, sorts and exports the table, keeping the view in the address.
(function () {
  "use strict";
  var d = document, KEY = "commitments-lang";
  var each = function (list, f) { Array.prototype.forEach.call(list, f); };
  var radios = d.querySelectorAll("input[name=lang]");
  try {
    var saved = localStorage.getItem(KEY);
    each(radios, function (r) { if (r.value === saved) { r.checked = true; } });
  } catch (e) { /* storage unavailable: the switch still works for this page */ }
  each(radios, function (r) {
    r.addEventListener("change", function () { try { localStorage.setItem(KEY, r.value); } catch (e) {} });
  });
  var permalink = d.querySelector("a.permalink"), cited = d.querySelector(".bibtex .url");
  if (permalink && cited) { cited.textContent = permalink.href; }

  var form = d.getElementById("filters");
  if (!form) { return; }
  var table = d.getElementById("commitments"), body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var fold = function (s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); };
  var squash = function (s) { return s.replace(/\s+/g, " ").trim(); };
  // Search reads the row's text and every spelling of the names of the people and bodies involved.
  rows.forEach(function (r) { r.dataset.text = fold(r.textContent + " " + r.dataset.names); });
  var shown = d.getElementById("shown"), names = ["sector", "kind", "status", "actor", "q"];
  var sort = { key: "", dir: "asc" };

  function filter() {
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

  function value(r, i) {
    var c = r.cells[i];
    return c.dataset.sort !== undefined ? c.dataset.sort : fold(squash(c.dataset.value || c.textContent));
  }
  function order() {
    var i = -1;
    heads.forEach(function (h, j) { if (h.dataset.key === sort.key) { i = j; } });
    var sign = sort.dir === "desc" ? -1 : 1;
    var sorted = rows.slice();
    if (i >= 0) {
      sorted.sort(function (a, b) {
        var x = value(a, i), y = value(b, i);
        if (x === "" || y === "") { return (x === "") - (y === ""); } // blanks last either way
        var nx = Number(x), ny = Number(y);
        return sign * (isNaN(nx) || isNaN(ny) ? x.localeCompare(y) : nx - ny);
      });
    }
    sorted.forEach(function (r) { body.appendChild(r); });
    heads.forEach(function (h, j) {
      if (j === i) { h.setAttribute("aria-sort", sort.dir === "asc" ? "ascending" : "descending"); }
      else { h.removeAttribute("aria-sort"); }
    });
  }

  function save() {
    var p = new URLSearchParams();
    names.forEach(function (k) { if (form.elements[k].value) { p.set(k, form.elements[k].value); } });
    if (sort.key) { p.set("sort", sort.key); p.set("dir", sort.dir); }
    var q = p.toString();
    try { history.replaceState(null, "", (q ? "?" + q : location.pathname) + location.hash); } catch (e) {}
  }
  function update() { filter(); order(); save(); }

  heads.forEach(function (h) {
    var b = d.createElement("button");
    b.type = "button";
    b.className = "sort";
    b.textContent = h.textContent;
    b.setAttribute("aria-label", "Sort by " + h.textContent.toLowerCase());
    h.textContent = "";
    h.appendChild(b);
    b.addEventListener("click", function () {
      sort.dir = sort.key === h.dataset.key && sort.dir === "asc" ? "desc" : "asc";
      sort.key = h.dataset.key;
      update();
    });
  });

  // A shared address restores the view: filters, search and sort from its query string.
  var params = new URLSearchParams(location.search);
  names.forEach(function (k) {
    var el = form.elements[k], want = params.get(k);
    if (!want) { return; }
    if (el.tagName !== "SELECT" || Array.prototype.some.call(el.options, function (o) { return o.value === want; })) {
      el.value = want;
    }
  });
  if (heads.some(function (h) { return h.dataset.key === params.get("sort"); })) {
    sort.key = params.get("sort");
    sort.dir = params.get("dir") === "desc" ? "desc" : "asc";
  }

  // The rows shown, in the order shown, as CSV made here from the table (nothing is fetched).
  function cell(c) {
    var only = c.children.length === 1 && c.firstElementChild.classList.contains("muted");
    if (only && squash(c.textContent) === squash(c.firstElementChild.textContent)) { return ""; }
    var items = c.querySelectorAll("li");
    if (items.length) { return Array.prototype.map.call(items, function (li) { return squash(li.textContent); }).join("; "); }
    return squash(c.dataset.value || c.textContent);
  }
  function reviewed(r) { var t = r.cells[6].querySelector("time"); return t ? t.textContent : ""; }
  function badge(r, attr) { var b = r.cells[6].querySelector("[data-" + attr + "]"); return b ? squash(b.textContent) : ""; }
  d.getElementById("csv").addEventListener("click", function () {
    var lines = [["commitment_id", "title_fr", "title_en", "kind", "sector", "people_and_bodies", "target",
      "deadline", "status", "formality", "last_reviewed", "sources"]];
    Array.prototype.forEach.call(body.rows, function (r) {
      if (r.hidden) { return; }
      var title = r.cells[0];
      lines.push([r.dataset.id, squash(title.querySelector(".tt:not(.tt-en)").textContent),
        squash(title.querySelector(".tt-en").textContent), cell(r.cells[1]), squash(r.cells[2].querySelector(".tt-en").textContent), cell(r.cells[3]),
        cell(r.cells[4]), cell(r.cells[5]), badge(r, "status"), badge(r, "formality"), reviewed(r),
        cell(r.cells[7])]);
    });
    var text = lines.map(function (l) {
      return l.map(function (s) { return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; }).join(",");
    }).join("\r\n") + "\r\n";
    var a = d.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
    a.download = "commitments.csv";
    d.body.appendChild(a);
    a.click();
    a.remove();
  });

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { sort.key = ""; setTimeout(update, 0); });
  form.hidden = false;
  filter();
  order();
}());

/* app.js - optional enhancements; every page works without it. */
"use strict";
document.addEventListener("keydown", function (ev) {
  // "/" focuses the search box, as on many help sites.
  var q = document.getElementById("q");
  if (ev.key === "/" && q && document.activeElement !== q) {
    ev.preventDefault();
    q.focus();
  }
});

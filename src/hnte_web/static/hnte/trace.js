// The live self-assessment's «计算过程»: a criterion's trace is fetched when its <details> is first opened
// (GET /applications/N/assessment/trace/<criterion>/, plain text), so autosave does not render nine traces per save.
// Without JavaScript the <details> holds a link to the same text.
(function () {
  "use strict";
  if (!window.fetch) return;
  document.addEventListener("toggle", function (e) {
    var d = e.target;
    if (!d.open || !d.getAttribute || !d.getAttribute("data-trace-url") || d.getAttribute("data-loaded")) return;
    var pre = d.querySelector("pre.trace");
    d.setAttribute("data-loaded", "loading");
    fetch(d.getAttribute("data-trace-url"), {credentials: "same-origin"}).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.text();
    }).then(function (text) {
      pre.textContent = text;
      d.setAttribute("data-loaded", "yes");
    }).catch(function () {
      d.removeAttribute("data-loaded");  // the link stays; opening again retries
    });
  }, true);  // toggle does not bubble: listen in the capture phase, for panels replaced by autosave too
})();

/* The Copy button of /widget: the Clipboard API where the page may use it, else a selected copy. */
(function () {
  "use strict";
  if (window.__insightCopySnippet) return;
  window.__insightCopySnippet = true;
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("#copy-snippet");
    if (!b) return;
    var s = document.getElementById("embed-snippet").textContent;
    function done() {
      b.textContent = "Copied";
      setTimeout(function () { b.textContent = "Copy"; }, 2000);
    }
    function fallback() {
      var t = document.createElement("textarea");
      t.value = s;
      t.setAttribute("readonly", "");
      t.style.position = "fixed";
      t.style.opacity = "0";
      document.body.appendChild(t);
      t.select();
      try { document.execCommand("copy"); } finally { document.body.removeChild(t); }
      done();
    }
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(s).then(done, fallback);
    else fallback();
  });
})();

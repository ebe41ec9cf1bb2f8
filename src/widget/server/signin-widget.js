/*! Insight SignIn Widget loader. Usage: InsightSignIn.embed({ clientId: "...", onSuccess: fn, onError: fn }) */
(function () {
  "use strict";
  if (window.InsightSignIn) return;
  var script = document.currentScript;
  var insightOrigin = script && script.src ? new URL(script.src).origin : "";
  var instances = 0;

  function call(fn, a, b) {
    if (typeof fn !== "function") return;
    try { fn(a, b); } catch (e) { console.error("[InsightSignIn] callback failed", e); }
  }

  function fail(options, container, code, message) {
    console.error("[InsightSignIn] " + message);
    if (container) {
      var p = document.createElement("p");
      p.setAttribute("role", "alert");
      p.textContent = "The bank connection could not be started: " + message;
      container.textContent = "";
      container.appendChild(p);
    }
    call(options.onError, { code: code, message: message, target: options.target || null, sessionId: null });
    return null;
  }

  function embed(options) {
    options = options || {};
    var containerId = options.container || "insight-signin";
    var container = document.getElementById(containerId);
    if (!insightOrigin) return fail(options, container, "InternalError", "load signin-widget.js with a <script src> tag");
    if (!options.clientId) return fail(options, container, "UnknownClient", "the clientId option is required");
    if (!container) return fail(options, null, "InternalError", 'no element with id "' + containerId + '" on this page');

    var params = new URLSearchParams();
    params.set("client_id", String(options.clientId));
    params.set("origin", window.location.origin);
    if (options.ownerExternalId != null) params.set("owner", String(options.ownerExternalId));
    if (options.applicantName) params.set("applicant", String(options.applicantName));
    if (options.locale) params.set("locale", String(options.locale));
    if (options.country) params.set("country", String(options.country));
    if (options.target) params.set("target", String(options.target));
    if (options.autoImport && options.autoImport.months != null) params.set("months", String(options.autoImport.months));
    params.set("instance", String(++instances));

    var iframe = document.createElement("iframe");
    iframe.src = insightOrigin + "/embed/signin?" + params.toString();
    iframe.title = "Connect your bank";
    iframe.setAttribute("allow", "clipboard-write");
    iframe.style.cssText = "display:block;width:100%;max-width:420px;height:520px;border:0;background:transparent;";
    container.textContent = "";
    container.appendChild(iframe);

    function onMessage(event) {
      // Only our own iframe, served from the Insight origin, may talk to this widget instance.
      if (event.origin !== insightOrigin || event.source !== iframe.contentWindow) return;
      var msg;
      try { msg = typeof event.data === "string" ? JSON.parse(event.data) : event.data; } catch (e) { return; }
      if (!msg || msg.source !== "insight-signin") return;
      if (msg.type === "resize") {
        var h = Math.max(160, Math.min(2000, Number(msg.height) || 0));
        iframe.style.height = h + "px";
      } else if (msg.type === "event") {
        call(options.onEvent, msg.name, msg.data || {});
      } else if (msg.type === "success") {
        call(options.onSuccess, msg.data);
      } else if (msg.type === "error") {
        call(options.onError, msg.data);
      }
    }
    window.addEventListener("message", onMessage);
    return {
      destroy: function () {
        window.removeEventListener("message", onMessage);
        if (iframe.parentNode) iframe.parentNode.removeChild(iframe);
      }
    };
  }

  window.InsightSignIn = { embed: embed, version: "1" };
})();

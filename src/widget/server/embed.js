/* Insight SignIn Widget, inside its iframe: talks to the embedding page (postMessage, exact origin only),
   keeps the iframe as tall as its content, filters the bank list as the applicant types, and follows the
   import's progress. Every step is a plain form that works without it. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var body = document.body;
  var origin = body.getAttribute("data-origin");
  var target = body.getAttribute("data-target") || null;
  function post(message) {
    if (!origin || window.parent === window) return;
    message.source = "insight-signin";
    window.parent.postMessage(JSON.stringify(message), origin);
  }
  function event(name, data) {
    post({ type: "event", name: name, data: data || { target: target } });
  }
  function json(name) {
    var raw = body.getAttribute(name);
    try { return raw ? JSON.parse(raw) : null; } catch (e) { return null; }
  }

  var error = json("data-error");
  if (error) post({ type: "error", data: error });
  var success = json("data-success");
  if (success) post({ type: "success", data: success });
  (body.getAttribute("data-event") || "").split(" ").forEach(function (name) {
    if (name === "started") event(name, {});
    else if (name === "exit") event(name, { reason: "cancelled" });
    else if (name) event(name);
  });

  function resize() {
    post({ type: "resize", height: document.documentElement.scrollHeight });
  }
  if (window.ResizeObserver) new ResizeObserver(resize).observe(body);
  resize();

  // A form is sent once: its buttons wait while the bank answers.
  Array.prototype.forEach.call(document.querySelectorAll("form[method=post]"), function (form) {
    form.addEventListener("submit", function () {
      if (form.id === "credentials-form") event("credentials_submitted");
      setTimeout(function () {
        Array.prototype.forEach.call(document.querySelectorAll("button"), function (b) { b.disabled = true; });
      }, 0);
    });
  });

  var search = document.getElementById("bank-search");
  if (search) {
    var items = document.querySelectorAll(".bank-list li");
    var none = document.getElementById("no-banks");
    search.form.addEventListener("submit", function (e) { e.preventDefault(); });
    search.addEventListener("input", function () {
      var needle = search.value.trim().toLowerCase();
      var shown = 0;
      Array.prototype.forEach.call(items, function (li) {
        var match = !needle || li.getAttribute("data-name").indexOf(needle) >= 0;
        li.hidden = !match;
        if (match) shown++;
      });
      if (none) none.hidden = shown > 0;
      resize();
    });
  }

  // A redirect bank's page opens in a popup on the click itself, so the browser does not block it.
  function openBank(url) {
    var w = null;
    try { w = window.open(url, "insight-bank", "popup,width=480,height=720"); } catch (e) { return null; }
    // The bank's page gets no handle on the widget (noopener would hide whether the popup opened at all).
    if (w) { try { w.opener = null; } catch (e) {} }
    return w;
  }
  var consent = document.getElementById("consent");
  if (consent) {
    consent.form.addEventListener("submit", function (e) {
      if (!consent.checked) {
        e.preventDefault();
        e.stopImmediatePropagation();
        document.getElementById("step-alert").textContent = consent.getAttribute("data-required");
        return;
      }
      var popup = consent.form.getAttribute("data-popup");
      if (popup && !openBank(popup)) {
        var flag = document.createElement("input");
        flag.type = "hidden"; flag.name = "popup"; flag.value = "blocked";
        consent.form.appendChild(flag);
      }
    }, true);
  }
  var bankLink = document.getElementById("bank-link");
  if (bankLink) {
    bankLink.addEventListener("click", function (e) {
      if (openBank(bankLink.href)) e.preventDefault();
    });
  }

  // Waiting for a redirect bank: ask whether the applicant is back, at once when the return page says so.
  var poll = body.getAttribute("data-poll");
  if (poll) {
    var check = function () {
      fetch(poll, { headers: { accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) { if (s && s.next) window.location.replace(s.next); })
        .catch(function () {});
    };
    setInterval(check, 1500);
    if (window.BroadcastChannel) new BroadcastChannel("insight-signin").onmessage = check;
  }
  var returned = body.getAttribute("data-returned");
  if (returned) {
    if (window.BroadcastChannel) new BroadcastChannel("insight-signin").postMessage(returned);
    setTimeout(function () { window.close(); }, 1500);
  }

  var auto = document.querySelector("form[data-autostart]");
  if (auto) auto.requestSubmit ? auto.requestSubmit(auto.querySelector("button")) : auto.submit();

  var progress = body.getAttribute("data-progress");
  if (progress) {
    var bar = document.getElementById("import-progress");
    var text = document.getElementById("import-progress-text");
    var timer = setInterval(function () {
      fetch(progress, { headers: { accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (p) {
          if (!p) return;
          bar.hidden = false;
          bar.value = p.progress;
          text.textContent = p.finished ? body.getAttribute("data-done-text") : p.progress + "% · " + p.status;
          if (p.finished) clearInterval(timer);
          resize();
        })
        .catch(function () {});
    }, 1500);
  }

  document.getElementById("app").setAttribute("data-hydrated", "yes");
});

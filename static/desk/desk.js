/* The desk screen without page loads: the screen's forms and links marked data-desk are sent with fetch and
   the answer (the same page the server renders without JavaScript) replaces the screen in place. The status
   region stays in the page and gets the new outcome, which screen readers announce; the focus goes to the
   new screen's autofocus field (the scan field, or a step's first field). Anything else falls back to a
   normal page load. No inline script or style: the site's Content-Security-Policy allows neither. */
(function () {
  "use strict";

  var printButton = document.querySelector("[data-desk-print]");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }

  var screen = document.getElementById("desk-swap");
  var status = document.getElementById("desk-status");
  if (!screen || !status || !window.fetch || !window.DOMParser || !window.FormData) return;
  var busy = false;

  function focusScreen() {
    var target = screen.querySelector("[autofocus]") || screen.querySelector(".desk-scan-input");
    if (target) {
      target.focus();
      if (target.value && target.setSelectionRange && target.type === "text") {
        target.setSelectionRange(target.value.length, target.value.length);
      }
    }
  }

  function show(html, url) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var fresh = page.getElementById("desk-swap");
    var freshStatus = page.getElementById("desk-status");
    if (!fresh || !freshStatus) {  // not a desk screen (logged out, an error page): let the browser show it
      window.location.assign(url);
      return;
    }
    screen.innerHTML = fresh.innerHTML;
    // Emptied first, so that the same words twice in a row are announced twice.
    status.innerHTML = "";
    window.setTimeout(function () { status.innerHTML = freshStatus.innerHTML; }, 30);
    document.title = page.title;
    if (url && url !== window.location.href) window.history.replaceState(null, "", url);
    focusScreen();
  }

  function send(url, options, fallback) {
    if (busy) return;
    busy = true;
    screen.setAttribute("aria-busy", "true");
    options.credentials = "same-origin";
    options.headers = {"X-Requested-With": "fetch"};
    window.fetch(url, options).then(function (response) {
      return response.text().then(function (html) { show(html, response.url); });
    }).catch(fallback).then(function () {
      busy = false;
      screen.removeAttribute("aria-busy");
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-desk") || !screen.contains(form)) return;
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
    var method = (form.getAttribute("method") || "get").toUpperCase();
    if (method === "GET") {
      var query = new URLSearchParams(data).toString();
      send(form.action + (query ? "?" + query : ""), {method: "GET"}, function () { form.submit(); });
    } else {
      send(form.action, {method: "POST", body: data}, function () { form.submit(); });
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-desk]") : null;
    if (!link || !screen.contains(link) || event.ctrlKey || event.metaKey || event.shiftKey || event.button) return;
    event.preventDefault();
    send(link.href, {method: "GET"}, function () { window.location.assign(link.href); });
  });
})();

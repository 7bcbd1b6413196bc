// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("site-nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    // Confirm destructive forms.
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
    // Facet selects submit on change.
    document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form && el.form.submit(); });
    });
    // Script-sent requests carry the CSRF token as a header.
    var meta = document.querySelector('input[name="csrf_token"]');
    if (meta && window.fetch) {
      var token = meta.value;
      var original = window.fetch;
      window.fetch = function (input, init) {
        init = init || {};
        var method = (init.method || "GET").toUpperCase();
        if (["GET", "HEAD", "OPTIONS"].indexOf(method) < 0) {
          init.headers = new Headers(init.headers || {});
          if (!init.headers.has("X-CSRF-Token")) init.headers.set("X-CSRF-Token", token);
        }
        return original(input, init);
      };
    }
  });
})();

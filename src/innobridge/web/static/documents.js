// Uploads and removals for the documents partial (templates/_documents.html). The file goes as the
// request body (the API streams it and stops at the size limit; it refuses multipart forms); app.js's
// fetch wrapper adds the CSRF header. Without script the form stays hidden and a note says why.
(function () {
  "use strict";
  function title(response) {
    return response.json().then(
      function (problem) { return problem.title || response.statusText; },
      function () { return response.statusText; }
    );
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-upload-document]").forEach(function (form) {
      var section = form.closest("[data-documents]");
      var error = form.querySelector(".error");
      var submit = form.querySelector("button[type=submit]");
      form.hidden = false;
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var file = form.elements.file.files[0];
        if (!file || !section) return;
        var url = section.getAttribute("data-documents") + "?name=" + encodeURIComponent(file.name) +
          "&kind=" + encodeURIComponent(form.elements.kind.value);
        submit.disabled = true;
        error.hidden = true;
        window.fetch(url, {
          method: "POST", body: file, credentials: "same-origin",
          headers: { "Content-Type": "application/octet-stream" }
        }).then(function (response) {
          if (response.ok) { window.location.reload(); return null; }
          return title(response).then(function (text) { error.textContent = text; error.hidden = false; });
        }).catch(function (err) {
          error.textContent = String(err); error.hidden = false;
        }).then(function () { submit.disabled = false; });
      });
    });
    document.querySelectorAll("[data-remove-document]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (!window.confirm(button.getAttribute("data-confirm-text"))) return;
        window.fetch(button.getAttribute("data-remove-document"), { method: "DELETE", credentials: "same-origin" })
          .then(function (response) {
            if (response.ok) { window.location.reload(); return null; }
            return title(response).then(function (text) { window.alert(text); });
          });
      });
    });
  });
})();

// Small behaviours on top of plain HTML; every page works without this file.
(function () {
  "use strict";

  // Close an open dropdown (<details class="menu">) on outside click or Escape.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary) { summary.focus(); }
    });
  });

  // Content loaded by htmx into the shared <dialog> opens it as a modal.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "dialog" && typeof target.showModal === "function") {
      document.querySelectorAll("details.menu[open]").forEach(function (m) { m.removeAttribute("open"); });
      if (!target.open) { target.showModal(); }
    }
  });
})();

// ---- Configuration part A: in-place editing ----
// A row that opens into its form, or a form sent back with errors, takes the keyboard focus
// (the first field marked invalid, otherwise the first field), as a new page would.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.target;
    if (!root || !root.querySelector || !root.matches) { return; }
    // Rows of part B (tables) open into forms too, swapped as a row or into an empty <tbody>.
    var editor = root.matches(".item.editing, tr.editing, #public-page-editor") ? root
      : root.querySelector(":scope > tr.editing");
    if (!editor) { return; }
    var field = editor.querySelector('[aria-invalid="true"]') ||
      (editor.classList.contains("editing") ? editor.querySelector("input:not([type=hidden]), select, textarea") : null);
    if (field && typeof field.focus === "function") { field.focus(); }
  });
})();
// ---- end of configuration part A ----
// === Configuration part B: Resources tab (dialogs, new rows, role descriptions) ===
(function () {
  "use strict";

  // A dialog form that saved asks (HX-Trigger: close-dialog) to close the dialog.
  document.addEventListener("close-dialog", function () {
    var dialog = document.getElementById("dialog");
    if (dialog && dialog.open) { dialog.close(); }
  });

  // "Cancel" on a new row removes the row (without JS it goes back to the list).
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-dismiss-row]") : null;
    var row = link ? link.closest("tr") : null;
    if (row) { event.preventDefault(); row.remove(); }
  });

  // Choosing a role highlights what that role allows.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-role-select]")) { return; }
    var form = select.closest("form");
    if (!form) { return; }
    form.querySelectorAll(".role-descriptions li").forEach(function (item) {
      item.classList.toggle("chosen", item.getAttribute("data-role") === select.value);
    });
  });
})();

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
    if (!root || !root.querySelector || !root.closest) { return; }
    var editor = root.closest(".item.editing, #public-page-editor");
    if (!editor || editor !== root) { return; }
    var field = root.querySelector('[aria-invalid="true"]') ||
      (root.classList.contains("editing") ? root.querySelector("input:not([type=hidden]), select, textarea") : null);
    if (field && typeof field.focus === "function") { field.focus(); }
  });
})();
// ---- end of configuration part A ----

// Public booking: the hold countdown, "send by" boxes ticked when a contact is typed, print.
(function () {
  "use strict";
  document.querySelectorAll(".countdown[data-seconds]").forEach(function (el) {
    var end = Date.now() + 1000 * parseInt(el.getAttribute("data-seconds"), 10);
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      el.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (left > 0) { setTimeout(tick, 1000); }
    }
    tick();
  });
  document.querySelectorAll("input[data-ticks-with]").forEach(function (box) {
    var field = document.getElementById(box.getAttribute("data-ticks-with"));
    if (!field) { return; }
    var touched = false;
    box.addEventListener("change", function () { touched = true; });
    field.addEventListener("input", function () {
      if (!touched) { box.checked = field.value.trim() !== ""; }
    });
  });
  document.querySelectorAll("button.js-print").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();

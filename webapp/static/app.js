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

// ---- Schedules (SCH-2, SCH-3): drag over the calendar to open the "new time block" dialog.
// Mouse and pen: press on the start time and drag to the end time. Touch: tap a time to
// open the dialog at that time (a drag would fight with scrolling). Without this file the
// "New time block" button opens the same form as a plain page.
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(minutes) {
    minutes = Math.min(minutes, 23 * 60 + 59);
    return pad(Math.floor(minutes / 60)) + ":" + pad(minutes % 60);
  }
  function gridOf(lane) { return lane.closest(".cal-grid.can-create"); }
  function rowAt(lane, clientY) {
    var grid = gridOf(lane);
    var rows = parseInt(grid.dataset.rows, 10);
    var rect = lane.getBoundingClientRect();
    var row = Math.floor((clientY - rect.top) / (rect.height / rows));
    return Math.max(0, Math.min(rows - 1, row));
  }
  function openDialog(lane, firstRow, lastRow) {
    var grid = gridOf(lane);
    var from = parseInt(grid.dataset.from, 10);
    var step = parseInt(grid.dataset.step, 10);
    var url = grid.dataset.newUrl + "&date=" + encodeURIComponent(lane.dataset.day) +
      "&team=" + encodeURIComponent(lane.dataset.team) +
      "&start=" + clock(from + firstRow * step) + "&end=" + clock(from + (lastRow + 1) * step);
    if (window.htmx) {
      window.htmx.ajax("GET", url, { target: "#dialog", swap: "innerHTML" });
    } else {
      window.location.href = url;
    }
  }

  var drag = null;
  function draw() {
    var grid = gridOf(drag.lane);
    var rows = parseInt(grid.dataset.rows, 10);
    var height = drag.lane.getBoundingClientRect().height / rows;
    var first = Math.min(drag.start, drag.end), last = Math.max(drag.start, drag.end);
    var from = parseInt(grid.dataset.from, 10), step = parseInt(grid.dataset.step, 10);
    drag.box.style.top = (first * height) + "px";
    drag.box.style.height = ((last - first + 1) * height) + "px";
    drag.box.textContent = clock(from + first * step) + " – " + clock(from + (last + 1) * step);
  }

  document.addEventListener("pointerdown", function (event) {
    var lane = event.target.closest && event.target.closest(".cal-lane");
    if (!lane || !gridOf(lane) || event.button !== 0) { return; }
    if (event.pointerType === "touch") {
      drag = { lane: lane, touch: true, x: event.clientX, y: event.clientY };
      return;
    }
    event.preventDefault();
    var row = rowAt(lane, event.clientY);
    var box = document.createElement("div");
    box.className = "cal-drag";
    lane.appendChild(box);
    drag = { lane: lane, start: row, end: row, box: box };
    lane.setPointerCapture(event.pointerId);
    draw();
  });
  document.addEventListener("pointermove", function (event) {
    if (!drag || drag.touch) { return; }
    drag.end = rowAt(drag.lane, event.clientY);
    draw();
  });
  document.addEventListener("pointerup", function (event) {
    if (!drag) { return; }
    var current = drag;
    drag = null;
    if (current.touch) {
      if (Math.abs(event.clientX - current.x) < 10 && Math.abs(event.clientY - current.y) < 10) {
        var row = rowAt(current.lane, event.clientY);
        var perHour = Math.max(1, Math.round(60 / parseInt(gridOf(current.lane).dataset.step, 10)));
        openDialog(current.lane, row, row + perHour - 1);
      }
      return;
    }
    current.box.remove();
    openDialog(current.lane, Math.min(current.start, current.end), Math.max(current.start, current.end));
  });
  document.addEventListener("pointercancel", function () {
    if (drag && drag.box) { drag.box.remove(); }
    drag = null;
  });

  // A saved dialog asks to be closed (HX-Trigger: close-dialog); "Close" links close it too.
  function closeDialog() {
    var dialog = document.getElementById("dialog");
    if (dialog && dialog.open) { dialog.close(); }
  }
  document.body.addEventListener("close-dialog", closeDialog);
  // A closed dialog forgets its form, so the next one never shows stale fields.
  var shared = document.getElementById("dialog");
  if (shared) {
    shared.addEventListener("close", function () { shared.replaceChildren(); });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-close-dialog]");
    if (link && link.closest("dialog[open]")) {
      event.preventDefault();
      closeDialog();
    }
  });
})();

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

// === Appointments (APT-2, APT-3) ===
// Typing an email or a cell phone ticks "send the coupon" by that channel, once: staff may
// untick it afterwards. Without this script the server ticks it when the field is filled.
// A "Print the coupon" button prints the page (the print stylesheet keeps the coupon only).
(function () {
  document.addEventListener("input", function (event) {
    var source = event.target.getAttribute && event.target.getAttribute("data-coupon-source");
    if (!source) { return; }
    var form = event.target.form;
    var box = form && form.querySelector('[data-coupon-channel="' + source + '"]');
    if (!box) { return; }
    var filled = event.target.value.trim() !== "";
    if (filled && !event.target.dataset.ticked) {
      box.checked = true;
      event.target.dataset.ticked = "1";
    } else if (!filled) {
      box.checked = false;
      delete event.target.dataset.ticked;
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) { window.print(); }
  });
})();

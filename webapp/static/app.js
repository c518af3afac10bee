// Small behaviours on top of plain HTML; every page works without this file.
// One named function per behaviour; every listener is delegated from `document` and
// registered once, at the end, so content swapped in by htmx needs nothing more.
(function () {
  "use strict";

  // The element around an event's target that matches `selector`, or null.
  function closestTo(event, selector) {
    return event.target.closest ? event.target.closest(selector) : null;
  }

  // ---- Dropdown menus (<details class="menu">) ----

  // Closes the open menus, except the one that holds `inside` (a node, or null for all).
  function closeMenus(inside) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!inside || !menu.contains(inside)) { menu.removeAttribute("open"); }
    });
  }

  // A click outside an open menu closes it.
  function closeMenusOnOutsideClick(event) { closeMenus(event.target); }

  // Escape closes the open menus and gives the focus back to their button.
  function closeMenusOnEscape(event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      var summary = menu.querySelector("summary");
      menu.removeAttribute("open");
      if (summary) { summary.focus(); }
    });
  }

  // ---- The shared <dialog id="dialog"> of admin.html ----

  function closeDialog() {
    var dialog = document.getElementById("dialog");
    if (dialog && dialog.open) { dialog.close(); }
  }

  // Content loaded by htmx into the dialog opens it as a modal.
  function openDialogOnSwap(event) {
    var target = event.detail.target;
    if (!target || target.id !== "dialog" || typeof target.showModal !== "function") { return; }
    closeMenus(null);
    if (!target.open) { target.showModal(); }
  }

  // "Close" links in the dialog close it (without JS they go back to the calendar).
  function closeDialogOnLink(event) {
    var link = closestTo(event, "[data-close-dialog]");
    if (link && link.closest("dialog[open]")) {
      event.preventDefault();
      closeDialog();
    }
  }

  // A closed dialog forgets its form, so the next one never shows stale fields.
  function emptyClosedDialog(event) {
    if (event.target.id === "dialog") { event.target.replaceChildren(); }
  }

  // ---- In-place editing (configuration lists and tables) ----

  // A row that opens into its form, or a form sent back with errors, takes the keyboard
  // focus (the first field marked invalid, otherwise the first field), as a new page would.
  function focusEditor(event) {
    var root = event.target;
    if (!root || !root.querySelector || !root.matches) { return; }
    // Table rows open into forms too, swapped as a row or into an empty <tbody>.
    var editor = root.matches(".item.editing, tr.editing, #public-page-editor") ? root
      : root.querySelector(":scope > tr.editing");
    if (!editor) { return; }
    var field = editor.querySelector('[aria-invalid="true"]') ||
      (editor.classList.contains("editing") ? editor.querySelector("input:not([type=hidden]), select, textarea") : null);
    if (field && typeof field.focus === "function") { field.focus(); }
  }

  // A message swapped in (an error, or "Saved.") is scrolled into view, in a dialog too,
  // so a refusal never looks like nothing happened; an error takes the focus unless a
  // field marked invalid already has it (screen readers then read the field's message).
  function revealMessage(event) {
    var root = event.target;
    if (!root || !root.querySelector) { return; }
    var message = root.matches && root.matches('[role="alert"], [role="status"]') ? root
      : root.querySelector('[role="alert"], [role="status"]:not(:empty)');
    if (!message || message.closest("[hidden]")) { return; }
    if (typeof message.scrollIntoView === "function") {
      message.scrollIntoView({block: "nearest", behavior: "smooth"});
    }
    var active = document.activeElement;
    if (message.getAttribute("role") === "alert" &&
        !(active && active.getAttribute && active.getAttribute("aria-invalid") === "true")) {
      if (!message.hasAttribute("tabindex")) { message.setAttribute("tabindex", "-1"); }
      message.focus({preventScroll: true});
    }
  }

  // "Cancel" on a new row removes the row (without JS it goes back to the list).
  function dismissRow(event) {
    var link = closestTo(event, "[data-dismiss-row]");
    var row = link ? link.closest("tr") : null;
    if (row) { event.preventDefault(); row.remove(); }
  }

  // Choosing a role highlights what that role allows.
  function highlightRole(event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-role-select]")) { return; }
    var form = select.closest("form");
    if (!form) { return; }
    form.querySelectorAll(".role-descriptions li").forEach(function (item) {
      item.classList.toggle("chosen", item.getAttribute("data-role") === select.value);
    });
  }

  // ---- Schedules (SCH-2, SCH-3): drag over the calendar to open the "new time block"
  // dialog. Mouse and pen: press on the start time and drag to the end time. Touch: tap a
  // time to open the dialog at that time (a drag would fight with scrolling). Without this
  // file the "New time block" button opens the same form as a plain page.

  var drag = null;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(minutes) {
    minutes = Math.min(minutes, 23 * 60 + 59);
    return pad(Math.floor(minutes / 60)) + ":" + pad(minutes % 60);
  }
  function gridOf(lane) { return lane.closest(".cal-grid.can-create"); }
  function rowAt(lane, clientY) {
    var rows = parseInt(gridOf(lane).dataset.rows, 10);
    var rect = lane.getBoundingClientRect();
    var row = Math.floor((clientY - rect.top) / (rect.height / rows));
    return Math.max(0, Math.min(rows - 1, row));
  }

  function openBlockDialog(lane, firstRow, lastRow) {
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

  function drawDrag() {
    var grid = gridOf(drag.lane);
    var rows = parseInt(grid.dataset.rows, 10);
    var height = drag.lane.getBoundingClientRect().height / rows;
    var first = Math.min(drag.start, drag.end), last = Math.max(drag.start, drag.end);
    var from = parseInt(grid.dataset.from, 10), step = parseInt(grid.dataset.step, 10);
    drag.box.style.top = (first * height) + "px";
    drag.box.style.height = ((last - first + 1) * height) + "px";
    drag.box.textContent = clock(from + first * step) + " – " + clock(from + (last + 1) * step);
  }

  function startDrag(event) {
    var lane = closestTo(event, ".cal-lane");
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
    drawDrag();
  }

  function moveDrag(event) {
    if (!drag || drag.touch) { return; }
    drag.end = rowAt(drag.lane, event.clientY);
    drawDrag();
  }

  function endDrag(event) {
    if (!drag) { return; }
    var current = drag;
    drag = null;
    if (current.touch) {
      if (Math.abs(event.clientX - current.x) < 10 && Math.abs(event.clientY - current.y) < 10) {
        var row = rowAt(current.lane, event.clientY);
        var perHour = Math.max(1, Math.round(60 / parseInt(gridOf(current.lane).dataset.step, 10)));
        openBlockDialog(current.lane, row, row + perHour - 1);
      }
      return;
    }
    current.box.remove();
    openBlockDialog(current.lane, Math.min(current.start, current.end), Math.max(current.start, current.end));
  }

  function cancelDrag() {
    if (drag && drag.box) { drag.box.remove(); }
    drag = null;
  }

  // ---- Booking forms (public and staff) and coupons ----

  // A "send by" box (data-ticks-with="<id of the email or cell field>") follows its field:
  // entering a contact ticks it once, so the person may untick it; emptying the field
  // unticks it. Without this file the server ticks it for a filled field.
  function tickSendBox(event) {
    var field = event.target;
    if (!field.id || typeof field.value !== "string") { return; }
    var boxes = (field.form || document).querySelectorAll('input[data-ticks-with="' + CSS.escape(field.id) + '"]');
    if (!boxes.length) { return; }
    var filled = field.value.trim() !== "";
    if (filled && !field.dataset.ticked) {
      field.dataset.ticked = "1";
      boxes.forEach(function (box) { box.checked = true; });
    } else if (!filled) {
      delete field.dataset.ticked;
      boxes.forEach(function (box) { box.checked = false; });
    }
  }

  // A "Print" button (data-print, hidden without this file) prints the page; the print
  // stylesheet keeps the coupon only.
  function printPage(event) {
    if (closestTo(event, "[data-print]")) { window.print(); }
  }

  // A download that takes a while to build (data-busy="Building…") says so meanwhile; the
  // browser gives no signal when a download starts, so the label comes back after a while.
  function showBusy(event) {
    var link = closestTo(event, "[data-busy]");
    if (!link || link.getAttribute("aria-busy") === "true") { return; }
    var label = link.textContent;
    link.setAttribute("aria-busy", "true");
    link.textContent = link.getAttribute("data-busy");
    setTimeout(function () { link.textContent = label; link.removeAttribute("aria-busy"); }, 5000);
  }

  // The hold countdown of the public booking, in words ("9 minutes"), from data-seconds.
  // It changes once a minute and is no live region; the hold's alert region speaks
  // twice: under 2 minutes left, and when the time is up.
  function startCountdown(el) {
    var end = Date.now() + 1000 * parseInt(el.getAttribute("data-seconds"), 10);
    var alert = el.closest(".hold") && el.closest(".hold").querySelector(".hold-alert");
    var warned = false;
    function say(text) { if (alert) { alert.textContent = text; } }
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      el.textContent = minutes >= 2 ? el.getAttribute("data-many").replace("{n}", minutes)
        : minutes === 1 ? el.getAttribute("data-one") : el.getAttribute("data-last");
      if (left <= 120 && left > 0 && !warned) {
        warned = true;
        say(alert && alert.getAttribute("data-warning"));
        el.closest(".hold").classList.add("ending");
      }
      if (left === 0) {
        say(alert && alert.getAttribute("data-expired"));
        el.closest(".hold").classList.add("ended");
        return;
      }
      setTimeout(tick, 1000 * ((left % 60) || 60));  // next when the minute changes
    }
    tick();
  }

  // A link of an error summary puts the cursor in its field, not just the page at it.
  function focusErrorField(event) {
    var link = closestTo(event, ".error-summary a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    event.preventDefault();
    field.focus();
    field.scrollIntoView({block: "center"});
  }

  // The public pop-up is rendered open (it shows without this file); here it becomes a
  // real modal: a backdrop, the page behind inert, Esc closes it.
  function showModal(dialog) {
    if (typeof dialog.showModal !== "function") { return; }
    if (dialog.open) { dialog.close(); }
    dialog.showModal();
  }

  // What needs this file is shown or started once, in the page and in content htmx adds.
  function enhance(root) {
    root.querySelectorAll("dialog[data-modal][open]").forEach(showModal);
    root.querySelectorAll("[data-print][hidden]").forEach(function (button) { button.hidden = false; });
    root.querySelectorAll(".countdown[data-seconds]:not([data-counting])").forEach(function (el) {
      el.setAttribute("data-counting", "");
      startCountdown(el);
    });
  }

  // On a phone a week of columns does not fit: a calendar opened without a chosen view
  // shows the day instead (the view links still offer the week).
  function openDayOnPhones() {
    if (!window.matchMedia || !window.matchMedia("(max-width: 700px)").matches) { return; }
    if (!document.querySelector(".cal-grid.view-week")) { return; }
    var params = new URLSearchParams(window.location.search);
    if (params.has("view")) { return; }
    params.set("view", "day");
    window.location.replace(window.location.pathname + "?" + params.toString());
  }

  function enhanceSwapped(event) {
    if (event.target.querySelectorAll) { enhance(event.target); }
  }

  // ---- Listeners: every event this file handles, each handler registered once ----
  var HANDLERS = {
    "click": [closeMenusOnOutsideClick, closeDialogOnLink, dismissRow, printPage, showBusy,
              focusErrorField],
    "keydown": [closeMenusOnEscape],
    "change": [highlightRole],
    "input": [tickSendBox],
    "pointerdown": [startDrag], "pointermove": [moveDrag], "pointerup": [endDrag], "pointercancel": [cancelDrag],
    "close-dialog": [closeDialog],  // a saved dialog form asks to be closed (HX-Trigger)
    "htmx:afterSwap": [openDialogOnSwap],
    "htmx:afterSettle": [focusEditor, revealMessage],
    "htmx:load": [enhanceSwapped]
  };
  Object.keys(HANDLERS).forEach(function (type) {
    HANDLERS[type].forEach(function (handler) { document.addEventListener(type, handler); });
  });
  // "close" does not bubble: listen while it is captured on its way to the dialog.
  document.addEventListener("close", emptyClosedDialog, true);
  enhance(document);
  openDayOnPhones();
})();

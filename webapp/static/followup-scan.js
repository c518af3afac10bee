/* Check-in by the phone's camera (follow-up list): where the browser has BarcodeDetector,
   a "Scan with the camera" button reads the coupon's QR code into the number field and
   submits it, as a USB scanner would. Elsewhere the button stays hidden and typing the
   number works as always. An external file: the CSP allows no inline script. */
(function () {
  "use strict";
  var running = null;

  function stop() {
    if (!running) { return; }
    running.stream.getTracks().forEach(function (track) { track.stop(); });
    running.video.hidden = true;
    running.button.removeAttribute("aria-pressed");
    running = null;
  }

  function scan(button) {
    var form = button.form;
    var input = document.getElementById(button.getAttribute("data-scan"));
    var video = form.querySelector("[data-scan-video]");
    var note = form.querySelector("[data-scan-note]");
    if (running) { stop(); return; }
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        running = { stream: stream, video: video, button: button };
        button.setAttribute("aria-pressed", "true");
        video.srcObject = stream;
        video.hidden = false;
        note.hidden = true;
        return video.play().then(function () { look(detector, video, input, form); });
      })
      .catch(function () {
        note.textContent = button.getAttribute("data-no-camera");
        note.hidden = false;
        stop();
      });
  }

  function look(detector, video, input, form) {
    if (!running) { return; }
    detector.detect(video).then(function (codes) {
      var text = codes.length ? String(codes[0].rawValue || "").trim() : "";
      if (text) {
        stop();
        input.value = text.slice(0, 20);
        form.requestSubmit();
      } else {
        window.setTimeout(function () { look(detector, video, input, form); }, 250);
      }
    }).catch(function () { window.setTimeout(function () { look(detector, video, input, form); }, 500); });
  }

  function setUp(root) {
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
    root.querySelectorAll("[data-scan][hidden]").forEach(function (button) { button.hidden = false; });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-scan]");
    if (button) { event.preventDefault(); scan(button); }
  });
  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:afterSwap", function (event) { stop(); setUp(event.target); });
}());

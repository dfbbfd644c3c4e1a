// loa console: the only script, loaded from /static (the CSP forbids inline
// script). It adds upload progress and "listen before approving"; every
// form also works without it.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  var upload = document.getElementById("upload");
  if (upload) {
    upload.addEventListener("submit", function (ev) {
      if (!window.FormData || !window.XMLHttpRequest) return;
      ev.preventDefault();
      var bar = document.getElementById("progress");
      var text = document.getElementById("progress-text");
      var button = upload.querySelector("button[type=submit]");
      bar.hidden = false;
      bar.value = 0;
      button.disabled = true;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", upload.action);
      xhr.setRequestHeader("X-Requested-With", "loa");
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        var pct = Math.floor(100 * e.loaded / e.total);
        bar.value = pct;
        text.textContent = "Đang tải lên " + pct + "%";
      });
      xhr.upload.addEventListener("load", function () {
        bar.value = 100;
        var tts = upload.elements.namedItem("tts");
        text.textContent = tts && tts.checked ? "Đã gửi. Máy đang đọc văn bản…" : "Đã tải lên 100%. Đang kiểm tra âm thanh…";
      });
      xhr.addEventListener("load", function () {
        var res = {};
        try { res = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        if (xhr.status === 201 && res.url) {
          bar.value = 100;
          bar.classList.add("done");
          text.textContent = "Đã gửi bài. Đang mở bài…";
          // A moment to see that it finished before the page changes.
          window.setTimeout(function () { window.location.assign(res.url); }, 1000);
          return;
        }
        bar.hidden = true;
        button.disabled = false;
        text.textContent = res.error || ("Lỗi " + xhr.status);
        text.className = "error";
      });
      xhr.addEventListener("error", function () {
        bar.hidden = true;
        button.disabled = false;
        text.textContent = "Mất kết nối tới máy chủ; hãy thử lại.";
        text.className = "error";
      });
      xhr.send(new FormData(upload));
    });
  }

  // The approval binds to the recording the page plays: the button waits
  // until it has been played.
  var player = document.getElementById("player");
  var approve = document.getElementById("approve-button");
  if (player && approve) {
    approve.disabled = true;
    player.addEventListener("play", function () {
      approve.disabled = false;
      var hint = document.getElementById("listen-first");
      if (hint) hint.hidden = true;
    });
  }
});

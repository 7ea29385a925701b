// Registration desk: a document reader types the MRZ like a keyboard, each line ended by
// Enter. When the last line is complete, the scan is sent and the form comes back filled.
(function () {
  "use strict";
  function lines(text) {
    return text.split(/\r?\n/).map(function (s) { return s.trim(); }).filter(Boolean);
  }
  function mrzComplete(rows) {
    if (rows.length === 2) {
      return rows[0].length === rows[1].length && (rows[0].length === 44 || rows[0].length === 36);
    }
    return rows.length === 3 && rows.every(function (r) { return r.length === 30; });
  }
  function looksLikeMrzLine(row) { return /^[A-Z0-9<]{28,}$/.test(row); }

  document.addEventListener("keydown", function (event) {
    var scan = event.target;
    if (!scan || scan.id !== "scan" || event.key !== "Enter") { return; }
    var rows = lines(scan.value);
    var lookup = rows.length === 1 && !looksLikeMrzLine(rows[0]);
    if (mrzComplete(rows) || lookup || (rows.length >= 3)) {
      event.preventDefault();
      window.htmx.trigger(scan, "scan");
    }
  });

  // One key each for what changes between travellers: F2 turns the direction round,
  // F4 moves the purpose on (Shift+F4 back). The focus stays where the officer was.
  document.addEventListener("keydown", function (event) {
    var form = document.getElementById("desk-form");
    if (!form || (event.key !== "F2" && event.key !== "F4")) { return; }
    event.preventDefault();
    if (event.key === "F2") {
      var radios = form.querySelectorAll('input[name="direction"]');
      for (var i = 0; i < radios.length; i++) {
        if (!radios[i].checked) { radios[i].checked = true; break; }
      }
      return;
    }
    var purpose = form.querySelector('select[name="purpose"]');
    if (purpose) {
      var n = purpose.options.length;
      purpose.selectedIndex = (purpose.selectedIndex + (event.shiftKey ? n - 1 : 1)) % n;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var form = document.getElementById("desk-form");
    if (!form || !form.contains(event.detail.elt) && event.detail.elt !== form) { return; }
    var scan = document.getElementById("scan");
    var target = form.querySelector("[data-autofocus]") ||
      form.querySelector(".has-error input, .has-error select");
    if (target) {
      if (scan && form.querySelector("[data-autofocus]")) { scan.value = ""; }
      target.focus();
    } else if (scan) {
      scan.focus();
      scan.select();
    }
  });
})();

// Puts back what was typed into a form before the session ran out (see kept_forms.py).
(function () {
  "use strict";
  var node = document.getElementById("kept-form");
  if (!node) { return; }
  var kept = JSON.parse(node.textContent);
  var forms = Array.prototype.slice.call(document.forms);
  var form = forms.filter(function (f) {
    return new URL(f.action, window.location.href).pathname === kept.action;
  })[0] || forms.filter(function (f) { return f.method.toLowerCase() === "post"; })[0];
  if (!form) { return; }
  Object.keys(kept.values).forEach(function (name) {
    var values = kept.values[name];
    var fields = form.querySelectorAll("[name='" + name.replace(/'/g, "") + "']");
    Array.prototype.forEach.call(fields, function (field) {
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = values.indexOf(field.value) !== -1 || (values[0] === "on" && field.value === "on");
      } else if (field.tagName === "SELECT" && field.multiple) {
        Array.prototype.forEach.call(field.options, function (o) { o.selected = values.indexOf(o.value) !== -1; });
      } else if (field.type !== "hidden" && field.type !== "file") {
        field.value = values[0];
      }
    });
  });
})();

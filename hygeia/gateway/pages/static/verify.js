// A keyboard-wedge scanner types the barcode; it sends each GS1 group separator (FNC1) as
// Ctrl+] (ASCII 29), which a text field would drop: put the character in ourselves.
(function () {
  "use strict";
  var input = document.getElementById("barcode");
  if (!input) { return; }
  input.addEventListener("keydown", function (event) {
    if (event.ctrlKey && (event.key === "]" || event.code === "BracketRight")) {
      event.preventDefault();
      var start = input.selectionStart, end = input.selectionEnd;
      input.value = input.value.slice(0, start) + "\u001d" + input.value.slice(end);
      input.selectionStart = input.selectionEnd = start + 1;
    }
  });
  input.select();
})();

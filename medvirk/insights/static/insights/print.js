// The printable choice form's "Print" button (insights/choice/form.html). The button is hidden
// in the HTML: without this script the hint beside it says how to print from the browser's own
// menu, on a phone as on a PC; with it the button is shown and opens the browser's print dialog.
"use strict";
for (const button of document.querySelectorAll("button[data-mv-print]")) {
  button.addEventListener("click", () => window.print());
  button.hidden = false;
}

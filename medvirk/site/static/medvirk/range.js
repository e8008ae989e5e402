// Lines from 0 to 10 on respondent pages (kind "range" in surveys/respond/field.html).
// Without this script the number field is the answer; with it the native slider is shown and
// kept in step with the number field both ways. The slider has no name: the number field is
// still what is sent, so an untouched slider never becomes an answer nobody gave.
"use strict";
for (const slider of document.querySelectorAll("input[type=range][data-mv-range]")) {
  const number = document.getElementById(slider.dataset.mvRange);
  if (!number) continue;
  const fromNumber = () => {
    const value = Number.parseFloat(number.value.replace(",", "."));
    if (Number.isFinite(value)) slider.value = String(value);
  };
  // Until there is an answer the slider is marked unset and its thumb is not drawn: a thumb resting
  // in the middle would look like an answer of 5 that nobody gave (respond.css).
  const mark = () => slider.toggleAttribute("data-unset", number.value.trim() === "");
  fromNumber();
  mark();
  slider.hidden = false;
  slider.addEventListener("input", () => { number.value = slider.value; mark(); });
  number.addEventListener("input", () => { fromNumber(); mark(); });
}

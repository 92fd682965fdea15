/* Behaviour every page may use, declared in the markup (the Content-Security-Policy allows no inline
   script, no on…= handler and no style= attribute):
   - <button data-print> prints the page;
   - <form data-confirm="question"> asks before it is sent;
   - <div data-width="42"> is 42 % wide (progress bars). */
(function () {
  "use strict";

  function widths(root) {
    var els = root.querySelectorAll ? root.querySelectorAll("[data-width]") : [];
    Array.prototype.forEach.call(els, function (el) {
      var value = parseFloat(el.getAttribute("data-width"));
      el.style.width = (isNaN(value) ? 0 : Math.max(0, Math.min(100, value))) + "%";
    });
    if (root.hasAttribute && root.hasAttribute("data-width")) { widths(root.parentNode); }
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
  });
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  }, true);
  widths(document);
})();

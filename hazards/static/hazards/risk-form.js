/* Risk-source form: show only the factors of the chosen method (LEC: L, E, C; matrix: likelihood, severity). */
(function () {
  "use strict";
  var method = document.getElementById("id_method");
  if (!method) { return; }
  function show(names, visible) {
    names.forEach(function (n) {
      var el = document.getElementById("id_" + n);
      if (el) { el.closest(".mb-3").hidden = !visible; }
    });
  }
  function toggle() {
    var lec = method.value === "lec";
    show(["lec_l", "lec_e", "lec_c"], lec);
    show(["likelihood", "severity"], !lec);
  }
  method.addEventListener("change", toggle);
  toggle();
})();

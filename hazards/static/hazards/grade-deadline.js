/* The rectification deadline follows the grade.
 *
 * A deadline input rendered by hazards.forms.GradeDeadlineInput carries the deadline the rule proposes for
 * each grade (data-proposed-deadlines, ISO dates) and the name of its grade field (data-grade-field).
 * Choosing a grade puts that grade's proposal in the field — unless the user has typed a date of their own,
 * which is never overwritten. "Assess later" (no grade) leaves the field as it is, and nothing else of the
 * form (responsible person, phone) is touched.
 */
(function () {
  "use strict";

  function bind(input) {
    if (input.dataset.deadlineBound) return;
    input.dataset.deadlineBound = "1";
    var form = input.form;
    var gradeName = input.dataset.gradeField;
    var proposals;
    try {
      proposals = JSON.parse(input.dataset.proposedDeadlines || "{}");
    } catch (e) {
      return;
    }
    if (!form || !gradeName) return;
    var offered = input.value; // what the page (or the last grade change) proposed
    form.addEventListener("change", function (event) {
      if (!event.target || event.target.name !== gradeName) return;
      var grade = form.elements.namedItem(gradeName);
      var next = proposals[grade ? grade.value : ""];
      if (!next || (input.value !== "" && input.value !== offered)) return;
      input.value = next;
      offered = next;
      // Drafts kept for a weak signal listen for input events: the new date is kept with the draft.
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  function init() {
    document.querySelectorAll("input[data-proposed-deadlines]").forEach(bind);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

// Keyboard for the day editor's food search: arrows move through the
// results, Enter adds the highlighted food, Escape closes the list.
(function () {
  "use strict";

  function options() {
    return Array.prototype.slice.call(document.querySelectorAll("#food-results [role=option]"));
  }

  function setActive(input, index) {
    var all = options();
    all.forEach(function (option, i) {
      var active = i === index;
      option.classList.toggle("active", active);
      option.setAttribute("aria-selected", active ? "true" : "false");
      if (active) {
        input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      }
    });
    if (index < 0) { input.removeAttribute("aria-activedescendant"); }
  }

  function activeIndex() {
    return options().findIndex(function (o) { return o.classList.contains("active"); });
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input || input.id !== "food-q") { return; }
    var all = options();
    var index = activeIndex();
    if (event.key === "ArrowDown" && all.length) {
      event.preventDefault();
      setActive(input, Math.min(index + 1, all.length - 1));
    } else if (event.key === "ArrowUp" && all.length) {
      event.preventDefault();
      setActive(input, Math.max(index - 1, 0));
    } else if (event.key === "Enter" && index >= 0) {
      event.preventDefault();
      all[index].querySelector("form").requestSubmit();
    } else if (event.key === "Escape") {
      setActive(input, -1);
      var results = document.getElementById("food-results");
      if (results) { results.innerHTML = ""; }
    }
  });

  // Clicking an option adds it as well (the button inside handles that).
  // After a food is added, clear the search so the next one can be typed.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (!form.closest || !form.closest("#food-results") || !event.detail.successful) { return; }
    var input = document.getElementById("food-q");
    var results = document.getElementById("food-results");
    if (results) { results.innerHTML = ""; }
    if (input) {
      input.value = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      input.focus();
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id === "food-results" || (event.detail && event.detail.elt && event.detail.elt.id === "food-results")) {
      var input = document.getElementById("food-q");
      if (input) {
        input.setAttribute("aria-expanded", options().length ? "true" : "false");
        if (options().length) { setActive(input, -1); }
      }
    }
  });
})();

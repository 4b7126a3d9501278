// The islands' bundle (the wasm and its glue, most of what a page would weigh) is
// fetched only when the visitor reaches for an island: a pointer over it, a touch,
// or focus inside it. Reading a page costs no wasm, and every island works as a
// plain form until it runs. A click on an island's button before then is held and
// replayed once the island runs (or, if the bundle cannot load, let through to the
// plain form); text typed meanwhile is handed to the island as input. A page with an
// island marked `data-hydrate="at-once"` (the agent console's live parts, which
// must update untouched) loads the bundle straight away.
((script, wasm) => {
  if (!document.querySelector("leptos-island")) return;
  const root = document.documentElement;
  const held = [];
  const mark = (state) => { root.dataset.islands = state; };
  const waiting = () => root.dataset.islands === "waiting" || root.dataset.islands === "loading";
  const inIsland = (node) => node instanceof Element && node.closest("leptos-island") !== null;
  const typedFields = () =>
    [...document.querySelectorAll("leptos-island input, leptos-island textarea")]
      .filter((field) => field.value !== field.defaultValue)
      .map((field) => [field, field.value]);
  const replay = (typed) => {
    for (const [field, value] of typed) {
      field.value = value;
      field.dispatchEvent(new Event("input", { bubbles: true }));
    }
    for (const target of held.splice(0)) target.click();
  };
  // Each island in document order, outer before inner. An island inside another
  // island's children first lets that parent hand down its context (`$$on_hydrate`).
  const hydrateWithin = async (node, bundle, parents) => {
    for (const element of node.children) {
      if (element.localName === "leptos-island") {
        const start = bundle[element.dataset.component];
        if (!start) throw new Error(`the bundle has no island ${element.dataset.component}`);
        parents.at(-1)?.();
        await start(element);
        await hydrateWithin(element, bundle, parents);
      } else if (element.localName === "leptos-children") {
        parents.push(element.$$on_hydrate);
        await hydrateWithin(element, bundle, parents);
        parents.pop();
      } else {
        await hydrateWithin(element, bundle, parents);
      }
    }
  };
  const load = () => {
    if (root.dataset.islands !== "waiting") return;
    mark("loading");
    import(script)
      .then((bundle) => bundle.default({ module_or_path: wasm }).then(() => bundle))
      .then(async (bundle) => {
        const typed = typedFields();
        bundle.hydrate();
        await hydrateWithin(document.body, bundle, []);
        mark("ready");
        // After the islands' first effects, which run once the current task ends.
        setTimeout(() => replay(typed));
      })
      .catch((error) => {
        mark("failed");
        console.warn("The page's interactive parts could not load; its forms still work.", error);
        replay([]);
      });
  };
  const hold = (event) => {
    // Only a button waits: it would otherwise post its form and leave the page.
    // Everything else (a summary, a checkbox, a link) does its own work at once.
    const button = event.target instanceof Element && event.target.closest("button, input[type=submit]");
    if (!waiting() || !button || !inIsland(button)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    if (!held.includes(button)) held.push(button);
    load();
  };
  const reach = (event) => {
    if (inIsland(event.target)) load();
  };
  mark("waiting");
  document.addEventListener("click", hold, true);
  for (const kind of ["pointerover", "touchstart", "focusin"]) {
    document.addEventListener(kind, reach, { capture: true, passive: true });
  }
  if (document.querySelector("[data-hydrate=at-once]") || inIsland(document.activeElement)) load();
})
